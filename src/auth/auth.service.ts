import { Injectable } from '@nestjs/common';
import { BlindIndexService } from '../crypto/blind-index.service.js';
import { ProblemException } from '../http/problem.exception.js';
import type { ClientContext } from '../http/client-context.js';
import type { User } from '../users/user.entity.js';
import { toUserView, type UserView } from '../users/user-view.js';
import { UsersService } from '../users/users.service.js';
import type { UserPrincipal } from './access/principal.js';
import type { TokenPairView } from './dto/token-pair.view.js';
import { LoginLockout } from './login-lockout.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
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

  async login(email: string, password: string, client: ClientContext): Promise<TokenPairView> {
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
    // A locked account still costs one verification: the work does not reveal the lock either.
    if (!(await this.hasher.verify(user.passwordHash, candidate))) {
      await this.lockout.failed(attempt, client);
      throw invalidCredentials();
    }
    if (user.disabled || !(await this.lockout.succeeded(attempt))) throw invalidCredentials();

    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.update(user, { passwordHash: await this.hasher.hash(candidate) });
    }
    const session = await this.sessions.start(user.id);
    return this.tokenPair(user, session.sessionId, session.refreshToken);
  }

  async refresh(refreshToken: string, client: ClientContext): Promise<TokenPairView> {
    const rotated = await this.sessions.rotate(refreshToken, client);
    if (!rotated.ok) throw invalidCredentials();
    const user = await this.users.findById(rotated.userId);
    if (!user || user.disabled) {
      await this.sessions.revoke(rotated.sessionId);
      throw invalidCredentials();
    }
    return this.tokenPair(user, rotated.sessionId, rotated.refreshToken);
  }

  /** Ends the caller's session (its refresh family and every access token of it), and optionally another of theirs. */
  async logout(principal: UserPrincipal, refreshToken: string | undefined): Promise<void> {
    await this.sessions.revoke(principal.sessionId);
    if (refreshToken !== undefined) {
      const other = await this.sessions.sessionOfToken(refreshToken);
      if (other && other.userId === principal.userId) await this.sessions.revoke(other.id);
    }
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
    // A new token version invalidates every access token; revoking sessions kills refresh tokens.
    await this.users.update(user, { passwordHash: await this.hasher.hash(password), tokenVersion: user.tokenVersion + 1 });
    await this.sessions.revokeAllForUser(user.id);
  }

  private async requireUser(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw invalidCredentials();
    return user;
  }

  private tokenPair(user: User, sessionId: string, refreshToken: string): TokenPairView {
    const { token } = this.tokens.issue({ userId: user.id, sessionId, tokenVersion: user.tokenVersion });
    return { accessToken: token, refreshToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds };
  }
}
