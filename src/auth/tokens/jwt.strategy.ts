import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { UsersService } from '../../users/users.service.js';
import type { UserPrincipal } from '../../access/principal.js';
import { AccessTokenBinding, boundJkt } from '../../dpop/access-token-binding.js';
import type { AccessTokenClaims } from './access-token.service.js';
import { JwtKeySet } from './jwt-key-set.js';
import { acceptedKid } from './token-header-check.js';
import { TokenRevocations } from './token-revocations.js';
import { CLOCK_TOLERANCE_SECONDS, withinIssuanceWindow } from './token-time-window.js';
import { VerifiedTokenCache, type VerifiedClaims } from './verified-token.cache.js';

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
/** `Authorization: Bearer <token>`, or `DPoP <token>` for a DPoP-bound one (RFC 9449 §7.1); AccessTokenBinding checks which scheme a token may use. */
const fromHeader = ExtractJwt.fromExtractors([
  ExtractJwt.fromAuthHeaderAsBearerToken(),
  ExtractJwt.fromAuthHeaderWithScheme('dpop'),
]);

const isMethodList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length > 0 && value.length <= 4 && value.every(isString);

/**
 * Access-token verification with passport-jwt (RFC 8725 best practices): header-only
 * extraction (never the query string), ES256 pinned, key chosen by kid among configured keys
 * only, iss/aud/exp/nbf checked by jsonwebtoken, required claims checked here, then the session
 * must not be revoked and the user must exist, be enabled and hold the same token version.
 * A token that already passed all of that once skips only the signature and header work on the
 * next requests (verified-token.cache.ts); time, key, revocation and user checks run every time.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly verified = new VerifiedTokenCache({ maxEntries: 10_000, clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS });
  /** No access token we issue lives longer than JWT_ACCESS_TTL; a longer one was not minted by us. */
  private readonly maxLifetimeSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly keys: JwtKeySet,
    private readonly users: UsersService,
    private readonly revocations: TokenRevocations,
    private readonly binding: AccessTokenBinding,
  ) {
    super({
      jwtFromRequest: fromHeader,
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
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS },
      passReqToCallback: true,
    });
    this.maxLifetimeSeconds = config.jwt.accessTtlSeconds;
  }

  /**
   * For a bearer token verified before (same bytes, still in its time window, its key still
   * configured): the revocation and user checks, without passport (AuthenticationGuard calls
   * this first, and hands the token to passport-jwt only when this returns undefined).
   */
  cachedPrincipal(req: Request): Promise<UserPrincipal | false> | undefined {
    const token = fromHeader(req);
    const claims = token === null ? undefined : this.verified.get(token);
    if (claims === undefined || this.keys.verificationKey(claims.kid) === undefined) return undefined;
    // Re-checked on every hit, like expiry: a clock stepped back must not revive a refused window.
    if (!withinIssuanceWindow(claims, this.maxLifetimeSeconds)) return Promise.resolve(false);
    // A DPoP-bound token needs a fresh proof on this request too: only the binding is cached.
    return this.binding.enforce(req, token!, claims.jkt).then(() => this.principalOf(claims));
  }

  /** Called by passport-jwt after jsonwebtoken accepted the signature, header and registered claims. */
  async validate(
    req: Request,
    payload: Partial<AccessTokenClaims> & { nbf?: unknown; cnf?: unknown },
  ): Promise<UserPrincipal | false> {
    const { sub, jti, sid, tv, exp, iat, nbf, amr, auth_time: authTime } = payload;
    const jkt = boundJkt(payload.cnf);
    if (jkt === null) return false;
    // jsonwebtoken accepts a token without exp; an access token without one is refused here.
    if (!isString(sub) || !isString(jti) || !isString(sid) || !isNumber(tv) || !isNumber(exp) || !isNumber(iat)) return false;
    if (nbf !== undefined && !isNumber(nbf)) return false;
    // Every token we issue says how and when its user authenticated; step-up and the MFA requirement rely on it.
    if (!isMethodList(amr) || !isNumber(authTime) || authTime > iat) return false;
    // Limits the damage of a leaked signing key or a token-minting bug: no long-lived tokens, none
    // issued in the future (token-time-window.ts).
    if (!withinIssuanceWindow({ iat, exp }, this.maxLifetimeSeconds)) return false;
    const token = fromHeader(req);
    const kid = token === null ? undefined : acceptedKid(token);
    if (token === null || kid === undefined) return false;
    const claims: VerifiedClaims = { sub, jti, sid, tv, exp, iat, nbf, kid, jkt, amr, authTime };
    this.verified.remember(token, claims);
    await this.binding.enforce(req, token, jkt);
    return this.principalOf(claims);
  }

  /** Every request, cached or not: the session is not revoked, the user is enabled, the token version is current. */
  private async principalOf(claims: VerifiedClaims): Promise<UserPrincipal | false> {
    if (await this.revocations.isSessionRevoked(claims.sid)) return false;
    const user = await this.users.findAuthState(claims.sub);
    if (!user || user.disabled || user.tokenVersion !== claims.tv) return false;
    return {
      kind: 'user',
      userId: user.id,
      role: user.role,
      sessionId: claims.sid,
      tokenId: claims.jti,
      tokenExpiresAt: claims.exp,
      amr: claims.amr,
      authTime: claims.authTime,
    };
  }
}
