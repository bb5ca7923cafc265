import { Injectable } from '@nestjs/common';
import { recordAuditSubject } from '../audit/audit-subject.js';
import { BlindIndexService } from '../crypto/blind-index.service.js';
import { ProblemException } from '../http/problem.exception.js';
import type { ClientContext } from '../http/client-context.js';
import type { User } from '../users/user.entity.js';
import { toUserView, type UserView } from '../users/user-view.js';
import { UsersService } from '../users/users.service.js';
import type { UserPrincipal } from '../access/principal.js';
import type { TokenPairView } from './dto/token-pair.view.js';
import { LoginLockout } from './login-lockout.service.js';
import type { MfaChallengeView } from './mfa/dto/mfa-views.js';
import { MfaLogin } from './mfa/mfa-login.service.js';
import { SecondFactor } from './mfa/second-factor.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
import { EmailVerificationService } from './recovery/email-verification.service.js';
import { normalisePassword } from './passwords/password-policy.js';
import { acceptablePassword } from './passwords/password-rules.js';
import { passwordAuthentication } from './sessions/session-authentication.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenService, type SessionAuthentication } from './tokens/access-token.service.js';
import { tokenPairOf } from './tokens/token-pair.js';

/** One body for every login or refresh failure: no user-enumeration oracle (OWASP API2:2023, ASVS 6.3.8). */
const invalidCredentials = () =>
  new ProblemException(401, { detail: 'Invalid credentials.', headers: { 'WWW-Authenticate': 'Bearer realm="api"' } });

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokenService,
    private readonly lockout: LoginLockout,
    private readonly blindIndex: BlindIndexService,
    private readonly verification: EmailVerificationService,
    private readonly secondFactor: SecondFactor,
    private readonly mfaLogin: MfaLogin,
  ) {}

  async register(input: { email: string; password: string; displayName: string }): Promise<UserView> {
    const password = await acceptablePassword('password', input.password, input);
    if (await this.users.findByEmail(input.email))
      throw new ProblemException(409, { detail: 'An account with this email already exists.' });
    const user = await this.users.create({
      email: input.email,
      displayName: input.displayName,
      passwordHash: await this.hasher.hash(password),
      role: 'user',
    });
    return toUserView(user);
  }

  /** `dpopJkt`: the key of a verified DPoP proof (src/dpop/token-request-binding.ts): the tokens are bound to it. */
  async login(
    email: string,
    password: string,
    client: ClientContext,
    dpopJkt: string | null = null,
  ): Promise<TokenPairView | MfaChallengeView> {
    // Counted before argon2 runs, so a parallel burst tests at most LOGIN_MAX_FAILURES passwords.
    const attempt = await this.lockout.begin(this.blindIndex.email(email));
    const user = await this.users.findByEmail(email);
    const candidate = normalisePassword(password);
    if (!user) {
      // Same argon2 work as a real account, so response time does not reveal unknown emails.
      await this.hasher.verifyDummy(candidate);
      await this.lockout.failed(attempt, client);
      throw invalidCredentials();
    }
    // The audit event names the account (its id, never the email), failed attempt or not.
    recordAuditSubject(client, user.id);
    // A locked account still costs one verification: the work does not reveal the lock either.
    if (!(await this.hasher.verify(user.passwordHash, candidate))) {
      await this.lockout.failed(attempt, client);
      throw invalidCredentials();
    }
    // With a second factor the password alone does not start the lockout count over (mfa-login.service.ts).
    const mfa = await this.secondFactor.isEnabled(user.id);
    const admitted = mfa ? await this.lockout.passedFirstFactor(attempt) : await this.lockout.succeeded(attempt);
    if (user.disabled || !admitted) throw invalidCredentials();
    // REQUIRE_EMAIL_VERIFICATION: only now, with the password proven, may the answer differ.
    this.verification.assertMayLogIn(user);

    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.rehashPassword(user, await this.hasher.hash(candidate));
    }
    if (mfa) return this.mfaLogin.challenge(user);
    // The version read before the password was verified: a change that committed meanwhile outlives this login.
    const authentication = passwordAuthentication();
    const session = await this.sessions.start(user.id, user.tokenVersion, authentication, dpopJkt, client);
    return this.tokenPair(user, session.sessionId, session.refreshToken, authentication, dpopJkt, session.expiresAt);
  }

  async refresh(refreshToken: string, client: ClientContext, dpopJkt: string | null = null): Promise<TokenPairView> {
    // Reuse, a stale token version, a disabled or deleted user, a DPoP key other than the session's: all decided inside rotate.
    const rotated = await this.sessions.rotate(refreshToken, client, dpopJkt);
    if (!rotated.ok) throw invalidCredentials();
    return this.tokenPair(
      { id: rotated.userId, tokenVersion: rotated.tokenVersion },
      rotated.sessionId,
      rotated.refreshToken,
      rotated.authentication,
      rotated.dpopJkt,
      rotated.expiresAt,
    );
  }

  /** Ends the caller's session (its refresh family and every access token of it), and optionally another of theirs. */
  async logout(principal: UserPrincipal, refreshToken: string | undefined): Promise<void> {
    const other = refreshToken === undefined ? null : await this.sessions.sessionOfToken(refreshToken);
    // Both sessions end in one transaction; the shared store learns it after the commit (security-change.ts).
    await this.sessions.end([principal.sessionId, ...(other && other.userId === principal.userId ? [other.id] : [])]);
  }

  async me(principal: UserPrincipal): Promise<UserView> {
    return toUserView(await this.requireUser(principal.userId));
  }

  async updateMe(principal: UserPrincipal, displayName: string): Promise<UserView> {
    const user = await this.requireUser(principal.userId);
    return toUserView(await this.users.update(user, { displayName }));
  }

  /**
   * A stolen access token must not become an unlimited password oracle: the current password is
   * checked under the login lockout (same counter, lock and account_locked event), and while the
   * account is locked even the right one is refused with the same 400.
   */
  async changePassword(
    principal: UserPrincipal,
    currentPassword: string,
    newPassword: string,
    client: ClientContext,
  ): Promise<void> {
    const user = await this.requireUser(principal.userId);
    const attempt = await this.lockout.begin(this.blindIndex.email(user.email));
    const valid = await this.hasher.verify(user.passwordHash, normalisePassword(currentPassword));
    if (!valid) await this.lockout.failed(attempt, client);
    if (!valid || !(await this.lockout.succeeded(attempt))) {
      throw new ProblemException(400, {
        detail: 'The current password is not correct.',
        errors: [{ field: 'currentPassword', message: 'currentPassword is not correct' }],
      });
    }
    const password = await acceptablePassword('newPassword', newPassword, user);
    // One transaction with every session's end and its event, conditional on the version read above.
    const changed = await this.sessions.replacePassword(user.id, user.tokenVersion, await this.hasher.hash(password));
    if (!changed) {
      throw new ProblemException(409, { detail: 'The account changed while the password was being changed; try again.' });
    }
  }

  private async requireUser(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw invalidCredentials();
    return user;
  }

  /** `notAfter`: the session's absolute deadline, which the access token does not outlive. */
  private tokenPair(
    user: Pick<User, 'id' | 'tokenVersion'>,
    sessionId: string,
    refreshToken: string,
    authentication: SessionAuthentication,
    dpopJkt: string | null,
    notAfter: Date,
  ): TokenPairView {
    return tokenPairOf(this.tokens, user, { id: sessionId, refreshToken, authentication, dpopJkt, expiresAt: notAfter });
  }
}
