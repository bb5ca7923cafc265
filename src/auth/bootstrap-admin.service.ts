import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { User } from '../users/user.entity.js';
import { ProblemException } from '../http/problem.exception.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
import { acceptablePassword } from './passwords/password-rules.js';
import { SecurityChanges } from './sessions/security-change.js';

const ADMIN_DISPLAY_NAME = 'Administrator';
/** Arbitrary constant: the PostgreSQL advisory lock that serialises the bootstrap admin across instances. */
const BOOTSTRAP_LOCK_ID = 7_140_344;

/** Creates an admin from BOOTSTRAP_ADMIN_* when none exists, and backs `cli create-admin`. */
@Injectable()
export class AdminProvisioner implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly changes: SecurityChanges,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('AdminProvisioner');
  }

  /**
   * Idempotent, so that several instances started together on an empty database all come up
   *: on PostgreSQL the check and the creation run under an advisory lock, so the
   * second instance finds the admin the first one made; on any database an account with this
   * email that is already an active admin counts as done, whoever created it.
   */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin) return;
    let created: boolean;
    try {
      created = await this.underBootstrapLock(async () => {
        if ((await this.users.countActiveAdmins()) > 0) return false;
        try {
          await this.createAdmin(admin.email, admin.password);
          return true;
        } catch (error) {
          // Another instance created this very admin between our check and our insert.
          if (error instanceof ProblemException && error.getStatus() === 409 && (await this.isActiveAdmin(admin.email))) {
            return false;
          }
          throw error;
        }
      });
    } catch (error) {
      // Name the variable and the reasons, so an operator can fix the boot failure (docs/configuration.md).
      if (error instanceof ProblemException) {
        const reasons = (error.problem.errors ?? []).map((e) => e.message).join('; ');
        throw new Error(`BOOTSTRAP_ADMIN_PASSWORD / BOOTSTRAP_ADMIN_EMAIL refused: ${reasons || error.problem.detail}`);
      }
      throw error;
    }
    if (created) this.logger.info('Bootstrap admin created from BOOTSTRAP_ADMIN_EMAIL');
  }

  /**
   * The admin gets the same password policy as everyone (the policy errors name the field).
   * An existing account with this email (registration is public and unverified, so anyone may have
   * taken the address first) is promoted only together with the operator's password, a new token
   * version and the end of its sessions, all in one transaction with an `admin_account_takeover`
   * security event (security-change.ts): whoever held it before keeps no way in (OWASP API5:2023),
   * and a Redis outage cannot leave the takeover half done (the revocations reach Redis after the
   * commit and are retried; the new token version refuses the old tokens meanwhile).
   */
  async createAdmin(email: string, password: string): Promise<string> {
    // "admin" is a context word too (ASVS 6.2.11): it also covers the stored name "Administrator".
    const accepted = await acceptablePassword('password', password, { email, displayName: 'admin' });
    const passwordHash = await this.hasher.hash(accepted);
    const existing = await this.users.findByEmail(email);
    if (existing) {
      const outcome = await this.changes.commit(async (change) => {
        const written = await change.manager.update(
          User,
          { id: existing.id, tokenVersion: existing.tokenVersion },
          { role: 'admin', disabled: false, passwordHash, tokenVersion: existing.tokenVersion + 1, updatedAt: new Date() },
        );
        if (written.affected !== 1) return false;
        const sessions = await change.revokeSessionsOf(existing.id);
        await change.event('admin_account_takeover', { userId: existing.id, previousRole: existing.role, sessions });
        return true;
      });
      if (!outcome) {
        throw new ProblemException(409, { detail: 'The account changed while it was being taken over; run the command again.' });
      }
      return existing.id;
    }
    // The operator named the address: it counts as verified (REQUIRE_EMAIL_VERIFICATION).
    const user = await this.users.create({
      email,
      displayName: ADMIN_DISPLAY_NAME,
      passwordHash,
      role: 'admin',
      emailVerifiedAt: new Date(),
    });
    return user.id;
  }

  private async isActiveAdmin(email: string): Promise<boolean> {
    const user = await this.users.findByEmail(email);
    return user !== null && user.role === 'admin' && !user.disabled;
  }

  /** PostgreSQL: one instance at a time runs the bootstrap (a session advisory lock, released after). */
  private async underBootstrapLock<T>(work: () => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'postgres') return work();
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.query('SELECT pg_advisory_lock($1)', [BOOTSTRAP_LOCK_ID]);
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [BOOTSTRAP_LOCK_ID]);
      }
    } finally {
      await runner.release();
    }
  }
}
