import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { ClientContext } from '../http/client-context.js';
import { SecurityEvents } from '../security-events/security-events.js';
import { STATE_STORE, type StateStore } from '../shared-state/state-store.js';

/**
 * Per-account lockout (ASVS 6.3.1, OWASP API2:2023): LOGIN_MAX_FAILURES consecutive failures lock
 * the account for LOGIN_LOCKOUT_SECONDS, during which even the right password gets the same 401.
 * Keyed by the email's blind index, so unknown emails lock the same way and reveal nothing.
 * Separate from per-IP rate limits, which stop one client; this stops many clients on one account.
 */
@Injectable()
export class LoginLockout {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: SecurityEvents,
  ) {}

  async isLocked(accountKey: string): Promise<boolean> {
    return (await this.store.get(`login-locked:${accountKey}`)) !== undefined;
  }

  async recordFailure(accountKey: string, client: ClientContext): Promise<void> {
    const { maxFailures, lockoutSeconds } = this.config.login;
    const failures = await this.store.increment(`login-failures:${accountKey}`, lockoutSeconds);
    if (failures >= maxFailures) {
      await this.store.set(`login-locked:${accountKey}`, '1', lockoutSeconds);
      await this.store.delete(`login-failures:${accountKey}`);
      this.events.record('account_locked', { ...client, failures, lockoutSeconds });
    }
  }

  async recordSuccess(accountKey: string): Promise<void> {
    await this.store.delete(`login-failures:${accountKey}`);
  }
}
