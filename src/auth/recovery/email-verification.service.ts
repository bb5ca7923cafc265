import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource, IsNull } from 'typeorm';
import { recordAuditSubject } from '../../audit/audit-subject.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { BlindIndexService } from '../../crypto/blind-index.service.js';
import type { ClientContext } from '../../http/client-context.js';
import { ProblemException } from '../../http/problem.exception.js';
import type { MailMessage } from '../../mail/mail-message.js';
import { MailQueue } from '../../mail/mail-queue.js';
import { MailRequestThrottle } from '../../rate-limit/mail-request-throttle.js';
import { SecurityEvents } from '../../security-events/security-events.js';
import { User } from '../../users/user.entity.js';
import { hasLocalPassword } from '../../users/local-password.js';
import { UsersService } from '../../users/users.service.js';
import { OneTimeTokens } from './one-time-tokens.js';
import { emailVerificationMail } from './recovery-mails.js';

const invalidToken = () =>
  new ProblemException(400, {
    detail: 'The verification link is invalid or has expired; ask for a new one.',
    errors: [{ field: 'token', message: 'token is invalid or has expired' }],
  });

/**
 * Email verification (docs/account-lifecycle.md#password-reset-and-email-verification):
 * registration mails a link once the account is committed; following it sets
 * `users.email_verified_at`. With REQUIRE_EMAIL_VERIFICATION, login of an unverified account is
 * refused with a 403 problem that says so, after the password was verified (so it tells nothing
 * to someone without the password), and a new link is asked for with the public resend route,
 * which answers and is throttled like a reset request.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly blindIndex: BlindIndexService,
    private readonly tokens: OneTimeTokens,
    private readonly mail: MailQueue,
    private readonly throttle: MailRequestThrottle,
    private readonly events: SecurityEvents,
  ) {}

  /** True when this service can send mail at all (production without SMTP_URL cannot). */
  get available(): boolean {
    return this.config.mail.transport.kind !== 'none';
  }

  /** Registration's hook: the link is sent once the registration's response (hence its commit) went out. */
  afterRegistration(res: Response, userId: string): void {
    if (!this.available) return;
    this.mail.enqueueAfterResponse(res, 'email_verification', async () => this.compose(await this.users.findById(userId)));
  }

  async resend(email: string, client: ClientContext, res: Response): Promise<void> {
    if (!this.available) throw new ProblemException(404, { detail: 'Email verification is not available on this service.' });
    const refused = await this.throttle.count('email_verification', client.ip, this.blindIndex.email(email));
    if (refused) {
      if (refused.first)
        this.events.record('mail_request_burst', { ...client, flow: 'email_verification', scope: refused.scope });
      throw this.throttle.refusal();
    }
    this.mail.enqueueAfterResponse(res, 'email_verification', async () => this.compose(await this.users.findByEmail(email)));
  }

  async verify(token: string, client: ClientContext): Promise<void> {
    const row = await this.tokens.find(token, 'email_verification');
    if (!row) throw invalidToken();
    recordAuditSubject(client, row.userId);
    const done = await this.dataSource.transaction(async (manager) => {
      if (!(await this.tokens.claim(manager, row))) return false;
      await manager.update(User, { id: row.userId, emailVerifiedAt: IsNull() }, { emailVerifiedAt: new Date() });
      return true;
    });
    if (!done) throw invalidToken();
  }

  /** Login's gate: called once the password was verified and the account admitted. */
  assertMayLogIn(user: Pick<User, 'emailVerifiedAt'>): void {
    if (this.config.mail.requireEmailVerification && user.emailVerifiedAt === null) {
      throw new ProblemException(403, {
        detail:
          'The email address of this account is not verified yet. Open the link in the verification mail, ' +
          'or ask for a new one with POST /api/v1/auth/verify-email/resend.',
      });
    }
  }

  private async compose(user: User | null): Promise<MailMessage | null> {
    // A provider account's address is a placeholder that can receive no mail.
    if (!user || user.disabled || user.emailVerifiedAt !== null || !hasLocalPassword(user)) return null;
    const token = await this.tokens.issue(user.id, 'email_verification');
    return emailVerificationMail(this.config.mail.publicBaseUrl, user.email, token);
  }
}
