import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
import { acceptablePassword } from './passwords/password-rules.js';

/** Creates an admin from BOOTSTRAP_ADMIN_* when none exists, and backs `cli create-admin`. */
@Injectable()
export class AdminProvisioner implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('AdminProvisioner');
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin || (await this.users.countActiveAdmins()) > 0) return;
    await this.createAdmin(admin.email, admin.password);
    this.logger.info('Bootstrap admin created from BOOTSTRAP_ADMIN_EMAIL');
  }

  /** The admin gets the same password policy as everyone (the policy errors name the field). */
  async createAdmin(email: string, password: string): Promise<string> {
    const accepted = acceptablePassword('password', password, { email, displayName: 'admin' });
    const existing = await this.users.findByEmail(email);
    if (existing) {
      await this.users.update(existing, { role: 'admin', disabled: false });
      return existing.id;
    }
    const user = await this.users.create({
      email,
      displayName: 'Administrator',
      passwordHash: await this.hasher.hash(accepted),
      role: 'admin',
    });
    return user.id;
  }
}
