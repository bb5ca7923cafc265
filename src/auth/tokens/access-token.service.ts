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

  issue(subject: { userId: string; sessionId: string; tokenVersion: number; dpopJkt?: string | null }): {
    token: string;
    jti: string;
  } {
    const jti = randomUUID();
    const claims = {
      sid: subject.sessionId,
      tv: subject.tokenVersion,
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
      expiresIn: this.config.jwt.accessTtlSeconds,
    });
    return { token, jti };
  }
}
