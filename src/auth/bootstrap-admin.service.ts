import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ProblemException } from '../http/problem.exception.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
import { acceptablePassword } from './passwords/password-rules.js';
import { SessionsService } from './sessions/sessions.service.js';

const ADMIN_DISPLAY_NAME = 'Administrator';

/** Creates an admin from BOOTSTRAP_ADMIN_* when none exists, and backs `cli create-admin`. */
@Injectable()
export class AdminProvisioner implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('AdminProvisioner');
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin || (await this.users.countActiveAdmins()) > 0) return;
    try {
      await this.createAdmin(admin.email, admin.password);
    } catch (error) {
      // Name the variable and the reasons, so an operator can fix the boot failure (API.md §8).
      if (error instanceof ProblemException) {
        const reasons = (error.problem.errors ?? []).map((e) => e.message).join('; ');
        throw new Error(`BOOTSTRAP_ADMIN_PASSWORD / BOOTSTRAP_ADMIN_EMAIL refused: ${reasons || error.problem.detail}`);
      }
      throw error;
    }
    this.logger.info('Bootstrap admin created from BOOTSTRAP_ADMIN_EMAIL');
  }

  /**
   * The admin gets the same password policy as everyone (the policy errors name the field).
   * An existing account with this email (registration is public and unverified, so anyone may have
   * taken the address first) is promoted only together with the operator's password, a new token
   * version and the end of its sessions: whoever held it before keeps no way in (OWASP API5:2023).
   */
  async createAdmin(email: string, password: string): Promise<string> {
    // "admin" is a context word too (ASVS 6.2.11): it also covers the stored name "Administrator".
    const accepted = await acceptablePassword('password', password, { email, displayName: 'admin' });
    const passwordHash = await this.hasher.hash(accepted);
    const existing = await this.users.findByEmail(email);
    if (existing) {
      await this.users.update(existing, {
        role: 'admin',
        disabled: false,
        passwordHash,
        tokenVersion: existing.tokenVersion + 1,
      });
      await this.sessions.revokeAllForUser(existing.id);
      return existing.id;
    }
    const user = await this.users.create({ email, displayName: ADMIN_DISPLAY_NAME, passwordHash, role: 'admin' });
    return user.id;
  }
}
