import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { recordAuditSubject } from '../../audit/audit-subject.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { BlindIndexService } from '../../crypto/blind-index.service.js';
import type { ClientContext } from '../../http/client-context.js';
import { ProblemException } from '../../http/problem.exception.js';
import { MailQueue } from '../../mail/mail-queue.js';
import { MailRequestThrottle } from '../../rate-limit/mail-request-throttle.js';
import { SecurityEvents } from '../../security-events/security-events.js';
import { User } from '../../users/user.entity.js';
import { hasLocalPassword } from '../../users/local-password.js';
import { UsersService } from '../../users/users.service.js';
import { LoginLockout } from '../login-lockout.service.js';
import { SecondFactor, type SecondFactorProof } from '../mfa/second-factor.service.js';
import { PasswordHasher } from '../passwords/password-hasher.service.js';
import { acceptablePassword } from '../passwords/password-rules.js';
import { SecurityChanges } from '../sessions/security-change.js';
import { OneTimeTokens } from './one-time-tokens.js';
import { passwordResetMail } from './recovery-mails.js';

/** One answer for every unusable token: unknown, used, expired, superseded, or its account gone or disabled. */
const invalidToken = () =>
  new ProblemException(400, {
    detail: 'The reset link is invalid or has expired; ask for a new one.',
    errors: [{ field: 'token', message: 'token is invalid or has expired' }],
  });

/**
 * Password reset by email (docs/account-lifecycle.md#password-reset-and-email-verification).
 *
 * request: the answer (202, empty) is decided before anything about the account is looked up.
 * The request only counts against the throttles (keyed by address and by the email's blind index,
 * the same work for every email) and queues a job; after the response, the job looks the email
 * up, issues the token and sends the mail. Known and unknown emails therefore run the same code
 * and the same database statements before the answer (none but the audit event), so status,
 * body and time are the same (test/e2e/password-reset.e2e.test.ts measures it).
 *
 * confirm: the token, then the password policy, then the second factor when the account has one
 * (the mailbox alone must not defeat MFA; a wrong proof counts in the login lockout and intrusion
 * detection like a wrong code at login, and leaves the link usable), then one transaction (security-change.ts): the
 * token claimed (of two concurrent uses one wins), the new hash and a new token version (every
 * access token dies), every session and refresh token revoked, every other reset link voided,
 * the `password_reset` security event; other instances learn the revocations after the commit.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly blindIndex: BlindIndexService,
    private readonly tokens: OneTimeTokens,
    private readonly hasher: PasswordHasher,
    private readonly changes: SecurityChanges,
    private readonly mail: MailQueue,
    private readonly throttle: MailRequestThrottle,
    private readonly events: SecurityEvents,
    private readonly secondFactor: SecondFactor,
    private readonly lockout: LoginLockout,
  ) {}

  async request(email: string, client: ClientContext, res: Response): Promise<void> {
    this.assertEnabled();
    const refused = await this.throttle.count('password_reset', client.ip, this.blindIndex.email(email));
    if (refused) {
      if (refused.first) await this.recordBurst(email, refused.scope, client);
      throw this.throttle.refusal();
    }
    this.mail.enqueueAfterResponse(res, 'password_reset', () => this.compose(email));
  }

  async confirm(token: string, newPassword: string, proof: SecondFactorProof, client: ClientContext): Promise<void> {
    this.assertEnabled();
    const row = await this.tokens.find(token, 'password_reset');
    if (!row) throw invalidToken();
    const user = await this.users.findById(row.userId);
    if (!user || user.disabled || !hasLocalPassword(user)) throw invalidToken();
    recordAuditSubject(client, user.id);
    // A refused password leaves the link usable: the user tries another password.
    const password = await acceptablePassword('newPassword', newPassword, user);
    await this.requireSecondFactor(user, proof, client);
    const passwordHash = await this.hasher.hash(password);
    const done = await this.changes.commit(async (change) => {
      if (!(await this.tokens.claim(change.manager, row))) return false;
      const now = new Date();
      const written = await change.manager.update(
        User,
        { id: user.id, disabled: false },
        {
          passwordHash,
          tokenVersion: () => 'token_version + 1',
          // Following the link proved control of the mailbox.
          emailVerifiedAt: user.emailVerifiedAt ?? now,
          updatedAt: now,
        },
      );
      if (written.affected !== 1) return false;
      await this.tokens.revokeAll(change.manager, user.id, 'password_reset');
      const sessions = await change.revokeSessionsOf(user.id);
      await change.event('password_reset', { ...client, userId: user.id, sessions });
      return true;
    });
    if (!done) throw invalidToken();
  }

  /**
   * A reset replaces the password and nothing else: an account with MFA proves the factor too (a
   * TOTP code, or a recovery code when the authenticator is lost). An account that has neither
   * goes to an admin, who resets its MFA after checking identity out of band.
   */
  private async requireSecondFactor(user: User, proof: SecondFactorProof, client: ClientContext): Promise<void> {
    const mfa = await this.secondFactor.isEnabled(user.id);
    if (!mfa) {
      if (proof.code === undefined && proof.recoveryCode === undefined) return;
      throw new ProblemException(400, {
        detail: 'This account has no second factor: send the token and the new password alone.',
        errors: [{ field: proof.code !== undefined ? 'code' : 'recoveryCode', message: 'no second factor is enrolled' }],
      });
    }
    if (proof.code === undefined && proof.recoveryCode === undefined) {
      throw new ProblemException(400, {
        detail:
          'This account has a second factor: send a code from the authenticator app or a recovery code with the new password.',
        errors: [{ field: 'code', message: 'a code or a recovery code is required' }],
      });
    }
    SecondFactor.requireOne(proof);
    const attempt = await this.lockout.begin(user.emailHash);
    // Counted before the factor is checked, as at login; a locked account spends no code.
    const ok = attempt.admitted && (await this.secondFactor.verify(user.id, proof));
    if (!ok) await this.lockout.failed(attempt, client);
    if (!ok || !(await this.lockout.succeeded(attempt))) {
      throw new ProblemException(400, {
        detail: 'The code is wrong or has been used already.',
        errors: [{ field: proof.code !== undefined ? 'code' : 'recoveryCode', message: 'code is invalid' }],
      });
    }
  }

  /** Runs after the response: finds the account, issues its token, builds the mail. Null: nothing to send. */
  private async compose(email: string) {
    const user = await this.users.findByEmail(email);
    // A provider account has no password here to reset: a link would give it one.
    if (!user || user.disabled || !hasLocalPassword(user)) return null;
    const token = await this.tokens.issue(user.id, 'password_reset');
    return passwordResetMail(this.config.mail.publicBaseUrl, user.email, token);
  }

  /** Once per window and budget: who was targeted (the account id when the email is one), never the email. */
  private async recordBurst(email: string, scope: 'address' | 'account', client: ClientContext): Promise<void> {
    const user = scope === 'account' ? await this.users.findByEmail(email) : null;
    this.events.record('password_reset_burst', { ...client, scope, userId: user?.id ?? null });
  }

  private assertEnabled(): void {
    if (!this.config.mail.passwordResetEnabled) {
      throw new ProblemException(404, { detail: 'Password reset by email is not enabled on this service.' });
    }
  }
}
