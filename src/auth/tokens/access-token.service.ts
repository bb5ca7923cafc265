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
  /** DPoP binding (RFC 9449 §6.1): the SHA-256 thumbprint of the client's key; absent for Bearer tokens. */
  cnf?: { jkt: string };
  /** How the user authenticated (RFC 8176 values): `pwd`, plus `otp` after a second factor. */
  amr: AuthenticationMethod[];
  /** When the user last authenticated (login or re-authentication), epoch seconds (OIDC `auth_time`). */
  auth_time: number;
}

/** RFC 8176 authentication method references this API issues. */
export type AuthenticationMethod = 'pwd' | 'otp';

/** How and when a session's user last proved who they are: carried into every access token of the session. */
export interface SessionAuthentication {
  readonly amr: readonly AuthenticationMethod[];
  /** Epoch seconds. */
  readonly authTime: number;
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
  issue(subject: {
    userId: string;
    sessionId: string;
    tokenVersion: number;
    authentication: SessionAuthentication;
    dpopJkt?: string | null;
    notAfter?: Date;
  }): {
    token: string;
    jti: string;
    expiresIn: number;
  } {
    const jti = randomUUID();
    const untilDeadline =
      subject.notAfter === undefined ? Infinity : Math.floor((subject.notAfter.getTime() - Date.now()) / 1000);
    // At least one second: jsonwebtoken then still writes exp (and the verifier refuses a token without).
    const expiresIn = Math.max(1, Math.min(this.config.jwt.accessTtlSeconds, untilDeadline));
    const claims = {
      sid: subject.sessionId,
      tv: subject.tokenVersion,
      amr: [...subject.authentication.amr],
      auth_time: subject.authentication.authTime,
      ...(subject.dpopJkt ? { cnf: { jkt: subject.dpopJkt } } : {}),
    };
    const token = jwt.sign(claims, this.keys.signingKey, {
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
