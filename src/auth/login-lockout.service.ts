import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { ClientContext } from '../http/client-context.js';
import { SecurityEvents } from '../security-events/security-events.js';
import { STATE_STORE, type StateStore } from '../shared-state/state-store.js';

/** One password attempt on one account, counted before its password was verified. */
export interface PasswordAttempt {
  readonly accountKey: string;
  /** This attempt's place in the account's current failure window (1 = first). */
  readonly number: number;
  /** False when the account was locked, or the window's budget spent, before this attempt began. */
  readonly admitted: boolean;
}

/**
 * Per-account lockout (ASVS 6.3.1, OWASP API2:2023): LOGIN_MAX_FAILURES consecutive failures lock
 * the account for LOGIN_LOCKOUT_SECONDS, during which even the right password gets the same
 * refusal. Keyed by the email's blind index, so unknown emails lock the same way and reveal
 * nothing. Separate from per-IP rate limits, which stop one client; this stops many clients on
 * one account. Login and change-password share the counter, the lock and the security event.
 *
 * Race-free by counting first: every attempt takes its number with one atomic increment (INCR in
 * Redis, one synchronous step in memory) *before* its password is verified, and only attempts
 * numbered up to LOGIN_MAX_FAILURES are admitted. A burst of parallel guesses therefore tests at
 * most LOGIN_MAX_FAILURES passwords, whatever the interleaving and on however many instances
 * (reading the lock before argon2 and counting after let every request of a burst through).
 * After a correct password the lock is read again, so a lock set while it was hashing still wins.
 * A success resets the counter; a refused attempt, even a 503 from the hashing gate, stays counted.
 */
@Injectable()
export class LoginLockout {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: SecurityEvents,
  ) {}

  /** Counts the attempt, then tells whether it may succeed. Call before verifying the password. */
  async begin(accountKey: string): Promise<PasswordAttempt> {
    const { maxFailures, lockoutSeconds } = this.config.login;
    const number = await this.store.increment(failuresKey(accountKey), lockoutSeconds);
    const admitted = number <= maxFailures && !(await this.isLocked(accountKey));
    return { accountKey, number, admitted };
  }

  /** The attempt's password was wrong: the attempt that spends the budget starts the lock. */
  async failed(attempt: PasswordAttempt, client: ClientContext): Promise<void> {
    const { maxFailures, lockoutSeconds } = this.config.login;
    if (attempt.number < maxFailures) return;
    // Usually the attempt numbered LOGIN_MAX_FAILURES; a later one when that attempt was a right
    // password sent in a parallel burst: the lock (and its event) is set once, whichever fails.
    if (attempt.number > maxFailures && (await this.isLocked(attempt.accountKey))) return;
    await this.store.set(lockedKey(attempt.accountKey), '1', lockoutSeconds);
    this.events.record('account_locked', { ...client, failures: attempt.number, lockoutSeconds });
  }

  /**
   * The attempt's password was right. True when it may succeed: it was admitted and no lock was
   * set while it was verifying ("check again after"); then the failure counter starts over.
   */
  async succeeded(attempt: PasswordAttempt): Promise<boolean> {
    if (await this.isLocked(attempt.accountKey)) return false;
    // The right password starts the count over, even on an attempt that is itself refused for
    // arriving beyond the budget in a parallel burst: otherwise the correct logins of that burst
    // would leave the count spent, and every later login refused, with no lock and no event.
    await this.store.delete(failuresKey(attempt.accountKey));
    return attempt.admitted;
  }

  /**
   * The password was right, but a second factor is still to come (src/auth/mfa/): whether the
   * attempt may go on, WITHOUT starting the count over. Only the second factor's success does
   * that; otherwise whoever holds the password could reset the count between code guesses.
   */
  async passedFirstFactor(attempt: PasswordAttempt): Promise<boolean> {
    return attempt.admitted && !(await this.isLocked(attempt.accountKey));
  }

  private async isLocked(accountKey: string): Promise<boolean> {
    return (await this.store.get(lockedKey(accountKey))) !== undefined;
  }
}

const failuresKey = (accountKey: string) => `login-failures:${accountKey}`;
const lockedKey = (accountKey: string) => `login-locked:${accountKey}`;
