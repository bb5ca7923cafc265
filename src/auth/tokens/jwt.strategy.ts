import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { UsersService } from '../../users/users.service.js';
import type { UserPrincipal } from '../access/principal.js';
import type { AccessTokenClaims } from './access-token.service.js';
import { JwtKeySet } from './jwt-key-set.js';
import { acceptedKid } from './token-header-check.js';
import { TokenRevocations } from './token-revocations.js';

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Access-token verification with passport-jwt (RFC 8725 best practices): header-only
 * extraction (never the query string), ES256 pinned, key chosen by kid among configured keys
 * only, iss/aud/exp/nbf checked by jsonwebtoken, required claims checked here, then the session
 * must not be revoked and the user must exist, be enabled and hold the same token version.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    keys: JwtKeySet,
    private readonly users: UsersService,
    private readonly revocations: TokenRevocations,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: ((_req, rawToken, done) => {
        const kid = acceptedKid(rawToken);
        const key = kid === undefined ? undefined : keys.verificationKey(kid);
        // A KeyObject, handed straight to jsonwebtoken (its typings only list string | Buffer).
        if (key) done(null, key as unknown as Buffer);
        else done(new Error('token refused'));
      }) satisfies SecretOrKeyProvider,
      algorithms: ['ES256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: 5 },
    });
  }

  async validate(payload: Partial<AccessTokenClaims>): Promise<UserPrincipal | false> {
    const { sub, jti, sid, tv, exp, iat } = payload;
    // jsonwebtoken accepts a token without exp; an access token without one is refused here.
    if (!isString(sub) || !isString(jti) || !isString(sid) || !isNumber(tv) || !isNumber(exp) || !isNumber(iat)) return false;
    if (await this.revocations.isSessionRevoked(sid)) return false;
    const user = await this.users.findAuthState(sub);
    if (!user || user.disabled || user.tokenVersion !== tv) return false;
    return { kind: 'user', userId: user.id, role: user.role, sessionId: sid, tokenId: jti, tokenExpiresAt: exp };
  }
}
