import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { recordAuditSubject } from '../../audit/audit-subject.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { PepperedHash } from '../../crypto/peppered-hash.js';
import type { ClientContext } from '../../http/client-context.js';
import { ProblemException } from '../../http/problem.exception.js';
import type { User } from '../../users/user.entity.js';
import { UsersService } from '../../users/users.service.js';
import type { TokenPairView } from '../dto/token-pair.view.js';
import { LoginLockout } from '../login-lockout.service.js';
import { multiFactorAuthentication } from '../sessions/session-authentication.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import { tokenPairOf } from '../tokens/token-pair.js';
import type { MfaChallengeView } from './dto/mfa-views.js';
import { MfaChallenge } from './mfa-challenge.entity.js';
import { SecondFactor, type SecondFactorProof } from './second-factor.service.js';

/** How long the second step of a login may wait: long enough to open an app, short enough to be useless later. */
export const MFA_TOKEN_TTL_SECONDS = 300;

/** The same answer as a wrong password at login: nothing tells an expired ticket from a wrong code. */
const invalidCredentials = () =>
  new ProblemException(401, { detail: 'Invalid credentials.', headers: { 'WWW-Authenticate': 'Bearer realm="api"' } });

/**
 * The second step of a login with MFA. After a right password, login answers with an `mfaToken`
 * instead of tokens (`challenge`); `verify` trades it and a code (or a recovery code) for a
 * session whose tokens carry `amr: ["pwd","otp"]`. The `mfaToken` is 256 random bits stored as
 * an HMAC, bound to the user and to their token version at the password check, lives
 * MFA_TOKEN_TTL_SECONDS and is spent once. Each code attempt counts in the same per-account
 * lockout as passwords (and a 401 here in the same intrusion detection as at login), and the
 * lockout's count starts over only when the second factor passed, not the password alone: an
 * attacker holding the password cannot reset it by logging in again between guesses.
 */
@Injectable()
export class MfaLogin {
  private readonly hasher: PepperedHash;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UsersService,
    private readonly lockout: LoginLockout,
    private readonly secondFactor: SecondFactor,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokenService,
  ) {
    this.hasher = new PepperedHash(config.apiKeyPepper);
  }

  /** Called by login once the password was right and the account may log in. */
  async challenge(user: Pick<User, 'id' | 'tokenVersion'>): Promise<MfaChallengeView> {
    const mfaToken = `mfa_${randomBytes(32).toString('base64url')}`;
    const now = new Date();
    await this.dataSource.getRepository(MfaChallenge).insert({
      id: randomUUID(),
      userId: user.id,
      tokenHash: this.hasher.hash(mfaToken),
      tokenVersion: user.tokenVersion,
      createdAt: now,
      expiresAt: new Date(now.getTime() + MFA_TOKEN_TTL_SECONDS * 1000),
      usedAt: null,
    });
    return { mfaRequired: true, mfaToken, expiresIn: MFA_TOKEN_TTL_SECONDS };
  }

  /** `dpopJkt`: the key of a DPoP proof sent with this step (src/dpop/token-request-binding.ts): the tokens are bound to it. */
  async verify(
    mfaToken: string,
    proof: SecondFactorProof,
    client: ClientContext,
    dpopJkt: string | null = null,
  ): Promise<TokenPairView> {
    SecondFactor.requireOne(proof);
    const challenges = this.dataSource.getRepository(MfaChallenge);
    const challenge = await challenges.findOne({ where: { tokenHash: this.hasher.hash(mfaToken) } });
    if (!challenge || challenge.usedAt !== null || challenge.expiresAt.getTime() <= Date.now()) throw invalidCredentials();
    const user = await this.users.findById(challenge.userId);
    if (!user) throw invalidCredentials();
    recordAuditSubject(client, user.id);

    // Counted before the code is checked, like a password: a parallel burst tests at most LOGIN_MAX_FAILURES codes.
    const attempt = await this.lockout.begin(user.emailHash);
    // A locked account (or a burst beyond the budget) spends no code: not even a right one is used up.
    if (!attempt.admitted || !(await this.secondFactor.verify(user.id, proof))) {
      await this.lockout.failed(attempt, client);
      throw invalidCredentials();
    }
    // A password change, role change or disabling since the password step: the ticket is void.
    if (user.disabled || user.tokenVersion !== challenge.tokenVersion || !(await this.lockout.succeeded(attempt))) {
      throw invalidCredentials();
    }
    // Spent once: of two requests with the same ticket, on any instances, one wins this update.
    const spent = await challenges.update({ id: challenge.id, usedAt: IsNull() }, { usedAt: new Date() });
    if (spent.affected !== 1) throw invalidCredentials();

    const authentication = multiFactorAuthentication();
    const session = await this.sessions.start(user.id, challenge.tokenVersion, authentication, dpopJkt, client);
    return tokenPairOf(this.tokens, user, {
      id: session.sessionId,
      refreshToken: session.refreshToken,
      authentication,
      dpopJkt,
      expiresAt: session.expiresAt,
    });
  }
}
