import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { ClientContext } from '../../http/client-context.js';
import { ProblemException } from '../../http/problem.exception.js';
import { UsersService } from '../../users/users.service.js';
import type { UserPrincipal } from '../../access/principal.js';
import { LoginLockout } from '../login-lockout.service.js';
import { SecurityChanges } from '../sessions/security-change.js';
import { authenticationColumns, multiFactorAuthentication } from '../sessions/session-authentication.js';
import { Session } from '../sessions/session.entity.js';
import type { RecoveryCodesView, TotpSetupView } from './dto/mfa-views.js';
import { RecoveryCode } from './recovery-code.entity.js';
import { newRecoveryCodes } from './recovery-codes.js';
import { SecondFactor, type SecondFactorProof } from './second-factor.service.js';
import { matchingStep, newTotpSecret, totpUri } from './totp.js';
import { TotpFactor } from './totp-factor.entity.js';

/**
 * A user's own TOTP factor: setup (a pending secret), confirm (the first code turns it on and
 * yields the recovery codes, shown once), disable (with a code or a recovery code); and an
 * admin's reset of someone else's. Each change that turns MFA on or off commits with its security
 * event (security-change.ts).
 */
@Injectable()
export class TotpEnrolment {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly secondFactor: SecondFactor,
    private readonly lockout: LoginLockout,
    private readonly changes: SecurityChanges,
  ) {}

  /** A new pending secret (replacing an unconfirmed one); refused while a confirmed factor exists. */
  async setup(principal: UserPrincipal): Promise<TotpSetupView> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new ProblemException(404, { detail: 'Not found.' });
    const factors = this.dataSource.getRepository(TotpFactor);
    if (await this.secondFactor.isEnabled(user.id)) {
      throw new ProblemException(409, { detail: 'A second factor is already on: disable it before setting up a new one.' });
    }
    const secret = newTotpSecret();
    await factors.delete({ userId: user.id, confirmedAt: IsNull() });
    await factors.insert({ userId: user.id, secret, confirmedAt: null, lastUsedStep: null, createdAt: new Date() });
    return { secret, otpauthUri: totpUri(secret, this.config.mfa.totpIssuer, user.email) };
  }

  /**
   * The first right code, within STEP_UP_MAX_AGE of the setup and from a session that
   * authenticated recently (@StepUp), turns the factor on (its step counts as used), replaces any
   * recovery codes, and adds `otp` to the caller's session: after a refresh its tokens carry it, so
   * a user whose role requires MFA continues without logging in again.
   */
  async confirm(principal: UserPrincipal, code: string): Promise<RecoveryCodesView> {
    const factor = await this.dataSource.getRepository(TotpFactor).findOne({ where: { userId: principal.userId } });
    if (!factor || factor.confirmedAt !== null) {
      throw new ProblemException(409, {
        detail: factor
          ? 'The second factor is already on.'
          : 'No enrolment is pending: call POST /api/v1/auth/mfa/totp/setup first.',
      });
    }
    // A pending secret is good for STEP_UP_MAX_AGE: one taken by a session thief and kept for later
    // confirms nothing (setup itself needs a recent authentication).
    if (Date.now() - factor.createdAt.getTime() > this.config.mfa.stepUpMaxAgeSeconds * 1000) {
      throw new ProblemException(409, { detail: 'The enrolment has expired: call POST /api/v1/auth/mfa/totp/setup again.' });
    }
    const step = matchingStep(factor.secret, code);
    if (step === null) {
      throw new ProblemException(400, {
        detail: 'The code does not match the secret being set up.',
        errors: [{ field: 'code', message: 'code is not correct' }],
      });
    }
    const codes = newRecoveryCodes();
    const confirmed = await this.changes.commit(async (change) => {
      const now = new Date();
      const result = await change.manager.update(
        TotpFactor,
        // The very enrolment whose secret the code matched: a setup meanwhile replaced the row (and its created_at).
        { userId: principal.userId, confirmedAt: IsNull(), createdAt: factor.createdAt },
        { confirmedAt: now, lastUsedStep: step },
      );
      if (result.affected !== 1) return false;
      await change.manager.delete(RecoveryCode, { userId: principal.userId });
      await change.manager.insert(
        RecoveryCode,
        codes.map((recoveryCode) => ({
          id: randomUUID(),
          userId: principal.userId,
          codeHash: this.secondFactor.recoveryCodeHash(recoveryCode),
          createdAt: now,
          usedAt: null,
        })),
      );
      // The factor is proven, the password is not proven again: `otp` joins the session's `amr`,
      // its `auth_time` stays that of the password (a confirm is no re-authentication for step-up).
      await change.manager.update(
        Session,
        { id: principal.sessionId, revokedAt: IsNull() },
        authenticationColumns(multiFactorAuthentication(new Date(principal.authTime * 1000))),
      );
      await change.event('mfa_enabled', { userId: principal.userId });
      return true;
    });
    if (!confirmed) throw new ProblemException(409, { detail: 'The enrolment changed meanwhile; set up again.' });
    return { recoveryCodes: codes };
  }

  /**
   * Turning MFA off takes the factor itself (a code or a recovery code), checked under the login
   * lockout like a password: a stolen access token cannot remove the factor that guards the account.
   */
  async disable(principal: UserPrincipal, proof: SecondFactorProof, client: ClientContext): Promise<void> {
    SecondFactor.requireOne(proof);
    const user = await this.users.findById(principal.userId);
    if (!user || !(await this.secondFactor.isEnabled(user.id))) {
      throw new ProblemException(409, { detail: 'No second factor is on.' });
    }
    const attempt = await this.lockout.begin(user.emailHash);
    // A locked account spends no code, as at login.
    const ok = attempt.admitted && (await this.secondFactor.verify(user.id, proof));
    if (!ok) await this.lockout.failed(attempt, client);
    if (!ok || !(await this.lockout.succeeded(attempt))) {
      throw new ProblemException(400, {
        detail: 'The code is not correct.',
        errors: [{ field: proof.code !== undefined ? 'code' : 'recoveryCode', message: 'not correct' }],
      });
    }
    await this.changes.commit(async (change) => {
      await change.manager.delete(TotpFactor, { userId: user.id });
      await change.manager.delete(RecoveryCode, { userId: user.id });
      await change.event('mfa_disabled', { userId: user.id });
    });
  }

  /**
   * An admin removes a user's second factor (a lost phone and no recovery code left, after the
   * identity was checked out of band, ASVS 6.4.4): the factor and the codes go, every session of
   * the user ends, and the `mfa_reset_by_admin` event names both accounts.
   */
  async adminReset(actor: UserPrincipal, userId: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw new ProblemException(404, { detail: 'Not found.' });
    const reset = await this.changes.commit(async (change) => {
      const removed = await change.manager.delete(TotpFactor, { userId });
      if (!removed.affected) return false;
      await change.manager.delete(RecoveryCode, { userId });
      await change.revokeSessionsOf(userId);
      await change.event('mfa_reset_by_admin', { actorId: actor.userId, userId });
      return true;
    });
    if (!reset) throw new ProblemException(409, { detail: 'This user has no second factor to reset.' });
  }
}
