import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { JwtKeySet } from './jwt-key-set.js';

/** Claims of our access tokens (RFC 9068 profile) plus the session id and the user's token version. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  /** Session (refresh-token family) the token belongs to: logout revokes it at once. */
  sid: string;
  /** User's token version: bumped by change-password and disabling, which revokes every token. */
  tv: number;
}

export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Issues short-lived ES256 access tokens with `typ: at+jwt` and a thumbprint `kid` (RFC 8725, RFC 9068). */
@Injectable()
export class AccessTokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: JwtKeySet,
  ) {}

  get ttlSeconds(): number {
    return this.config.jwt.accessTtlSeconds;
  }

  /**
   * `notAfter`: the session's absolute deadline (SESSION_ABSOLUTE_TTL); the token then lives less
   * than JWT_ACCESS_TTL, so no token outlives its session. `expiresIn` is the lifetime granted.
   */
  issue(subject: { userId: string; sessionId: string; tokenVersion: number; notAfter?: Date }): {
    token: string;
    jti: string;
    expiresIn: number;
  } {
    const jti = randomUUID();
    const untilDeadline =
      subject.notAfter === undefined ? Infinity : Math.floor((subject.notAfter.getTime() - Date.now()) / 1000);
    // At least one second: jsonwebtoken then still writes exp (and the verifier refuses a token without).
    const expiresIn = Math.max(1, Math.min(this.config.jwt.accessTtlSeconds, untilDeadline));
    const token = jwt.sign({ sid: subject.sessionId, tv: subject.tokenVersion }, this.keys.signingKey, {
      algorithm: 'ES256',
      keyid: this.keys.signingKid,
      header: { alg: 'ES256', typ: ACCESS_TOKEN_TYPE },
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
      subject: subject.userId,
      jwtid: jti,
      expiresIn,
    });
    return { token, jti, expiresIn };
  }
}
