import { Injectable } from '@nestjs/common';
import type { ClientContext } from '../../http/client-context.js';
import { ProblemException } from '../../http/problem.exception.js';
import { UsersService } from '../../users/users.service.js';
import type { UserPrincipal } from '../../access/principal.js';
import type { TokenPairView } from '../dto/token-pair.view.js';
import { LoginLockout } from '../login-lockout.service.js';
import { PasswordHasher } from '../passwords/password-hasher.service.js';
import { normalisePassword } from '../passwords/password-policy.js';
import { multiFactorAuthentication, passwordAuthentication } from '../sessions/session-authentication.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import { tokenPairOf } from '../tokens/token-pair.js';
import { SecondFactor, type SecondFactorProof } from './second-factor.service.js';

const invalidCredentials = () =>
  new ProblemException(401, { detail: 'Invalid credentials.', headers: { 'WWW-Authenticate': 'Bearer realm="api"' } });

/**
 * Step-up (ASVS 7.5.1, 7.5.3; RFC 9470): the signed-in user proves again who they are — the
 * password, and the second factor when the account has one — and gets a fresh token pair for the
 * SAME session, whose tokens now carry a new `auth_time` (and `otp` in `amr`). The session's
 * earlier refresh token counts as rotated. Wrong answers count in the login lockout and in
 * intrusion detection exactly like a failed login: a stolen access token is no password oracle.
 */
@Injectable()
export class Reauthentication {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LoginLockout,
    private readonly secondFactor: SecondFactor,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokenService,
  ) {}

  async reauthenticate(
    principal: UserPrincipal,
    password: string,
    proof: SecondFactorProof,
    client: ClientContext,
  ): Promise<TokenPairView> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw invalidCredentials();
    const mfa = await this.secondFactor.isEnabled(user.id);
    if (mfa) SecondFactor.requireOne(proof);
    else if (proof.code !== undefined || proof.recoveryCode !== undefined) {
      throw new ProblemException(400, {
        detail: 'This account has no second factor: send the password alone.',
        errors: [{ field: proof.code !== undefined ? 'code' : 'recoveryCode', message: 'no second factor is enrolled' }],
      });
    }
    const attempt = await this.lockout.begin(user.emailHash);
    const passwordOk = await this.hasher.verify(user.passwordHash, normalisePassword(password));
    // The factor is checked (and spent) only after a right password: a wrong password spends nothing.
    // ... and only for an admitted attempt: a locked account spends no code.
    const ok = passwordOk && attempt.admitted && (!mfa || (await this.secondFactor.verify(user.id, proof)));
    if (!ok) {
      await this.lockout.failed(attempt, client);
      throw invalidCredentials();
    }
    if (!(await this.lockout.succeeded(attempt))) throw invalidCredentials();

    const authentication = mfa ? multiFactorAuthentication() : passwordAuthentication();
    const renewed = await this.sessions.renew(principal.sessionId, authentication);
    if (renewed === null) throw invalidCredentials();
    // The same session, so the same DPoP binding: a bound session's new tokens need its key too.
    return tokenPairOf(this.tokens, user, { id: principal.sessionId, ...renewed, authentication });
  }
}
