import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Request } from 'express';
import passport from 'passport';
import { accessTokenOf, unverifiedIssuerOf } from '../../access/bearer-credential.js';
import { CredentialAuthenticators, type CredentialAuthenticator } from '../../access/credential-authenticator.js';
import type { UserPrincipal } from '../../access/principal.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { isDatabaseUnavailable } from '../../database/database-unavailable.js';
import { DatabaseUnavailableError } from '../../http/database-unavailable.error.js';
import { StateStoreUnavailableError } from '../../shared-state/state-store-unavailable.error.js';
import { ProblemException } from '../../http/problem.exception.js';
import { DPOP_ALGS_PARAM } from '../../dpop/dpop-algorithms.js';
import { JwtStrategy } from './jwt.strategy.js';

/** Bearer, or DPoP for a sender-constrained token (RFC 9449 §7.1): AccessTokenBinding decides which a token may use. */
const BEARER = /^(Bearer|DPoP)\s/i;

/**
 * The service's own access tokens, `Authorization: Bearer <jwt>` (docs/authentication.md). The
 * first challenge of every 401 (precedence 0), as RFC 6750 §3 expects of a bearer-protected API.
 * An access token whose `iss` is the external OpenID provider's (OIDC_ISSUER), under either
 * scheme, is not claimed here: src/oidc/ verifies those; every other bearer or DPoP token, garbage
 * included, is ours to refuse.
 */
@Injectable()
export class BearerTokenAuthenticator implements CredentialAuthenticator, OnModuleInit {
  readonly scheme = 'bearer';

  private readonly providerIssuer: string | undefined;

  constructor(
    private readonly jwt: JwtStrategy,
    private readonly registry: CredentialAuthenticators,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.providerIssuer = config.oidc?.issuer;
  }

  onModuleInit(): void {
    this.registry.register(this, 0);
  }

  claims(req: Request): boolean {
    if (!BEARER.test(req.headers.authorization ?? '')) return false;
    if (this.providerIssuer === undefined) return true;
    // Claims must not overlap (a request claimed twice is a 401): the provider's tokens are its authenticator's.
    const token = accessTokenOf(req);
    return token === undefined || unverifiedIssuerOf(token) !== this.providerIssuer;
  }

  challenge(refused: boolean): string {
    return refused ? 'Bearer realm="api", error="invalid_token"' : `Bearer realm="api", DPoP ${DPOP_ALGS_PARAM}`;
  }

  async authenticate(req: Request): Promise<UserPrincipal | undefined> {
    try {
      // A token already verified once: the same checks as the strategy's, without passport's
      // per-request closures and promises (10 % of a note read's allocations, docs/performance.md).
      const principal = await (this.jwt.cachedPrincipal(req) ?? this.viaPassport(req));
      return principal === false ? undefined : principal;
    } catch (error) {
      // Revocation state unknown (Redis unreachable): 503, never an accepted, possibly revoked token.
      if (error instanceof StateStoreUnavailableError) throw error;
      // A refusal worded for the client: a DPoP challenge (src/dpop/access-token-binding.ts).
      if (error instanceof ProblemException) throw error;
      // The account could not be read (database down or too slow): 503, not a 401 that tells the
      // client its valid token is bad (it would drop its session).
      if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError();
      return undefined;
    }
  }

  /** passport-jwt (jwt.strategy.ts): signature, header and registered claims, then the strategy's own checks. */
  private viaPassport(req: Request): Promise<UserPrincipal | false> {
    return new Promise((resolve, reject) => {
      const authenticate = passport.authenticate('jwt', { session: false }, (error: unknown, user: UserPrincipal | false) =>
        error ? reject(error) : resolve(user || false),
      ) as (req: Request, res: unknown, next: (error?: unknown) => void) => void;
      authenticate(req, req.res, (error?: unknown) => (error ? reject(error) : resolve(false)));
    });
  }
}
