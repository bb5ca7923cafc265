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
import { PasswordHasher } from './passwords/password-hasher.service.js';
import { EmailVerificationService } from './recovery/email-verification.service.js';
import { normalisePassword } from './passwords/password-policy.js';
import { acceptablePassword } from './passwords/password-rules.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenService } from './tokens/access-token.service.js';

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
  async login(email: string, password: string, client: ClientContext, dpopJkt: string | null = null): Promise<TokenPairView> {
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
    if (user.disabled || !(await this.lockout.succeeded(attempt))) throw invalidCredentials();
    // REQUIRE_EMAIL_VERIFICATION: only now, with the password proven, may the answer differ.
    this.verification.assertMayLogIn(user);

    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.rehashPassword(user, await this.hasher.hash(candidate));
    }
    // The version read before the password was verified: a change that committed meanwhile outlives this login.
    const session = await this.sessions.start(user.id, user.tokenVersion, dpopJkt);
    return this.tokenPair(user, session.sessionId, session.refreshToken, dpopJkt);
  }

  async refresh(refreshToken: string, client: ClientContext, dpopJkt: string | null = null): Promise<TokenPairView> {
    // Reuse, a stale token version, a disabled or deleted user, a DPoP key other than the session's: all decided inside rotate.
    const rotated = await this.sessions.rotate(refreshToken, client, dpopJkt);
    if (!rotated.ok) throw invalidCredentials();
    return this.tokenPair(
      { id: rotated.userId, tokenVersion: rotated.tokenVersion },
      rotated.sessionId,
      rotated.refreshToken,
      rotated.dpopJkt,
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

  private tokenPair(
    user: Pick<User, 'id' | 'tokenVersion'>,
    sessionId: string,
    refreshToken: string,
    dpopJkt: string | null,
  ): TokenPairView {
    const { token } = this.tokens.issue({ userId: user.id, sessionId, tokenVersion: user.tokenVersion, dpopJkt });
    const tokenType = dpopJkt === null ? 'Bearer' : 'DPoP';
    return { accessToken: token, refreshToken, tokenType, expiresIn: this.tokens.ttlSeconds };
  }
}
