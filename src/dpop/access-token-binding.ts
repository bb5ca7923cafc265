import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.exception.js';
import { DPOP_ALGS_PARAM } from './dpop-algorithms.js';
import { DpopNonces } from './dpop-nonces.js';
import { DpopProofError, resourceProblem } from './dpop-proof.error.js';
import { DpopProofVerifier } from './dpop-proof.verifier.js';

/** The scheme of the Authorization header that carried the access token. */
export function authorizationScheme(req: Request): 'bearer' | 'dpop' | undefined {
  const scheme = /^(Bearer|DPoP)\s/i.exec(req.headers.authorization ?? '')?.[1]?.toLowerCase();
  return scheme === 'bearer' || scheme === 'dpop' ? scheme : undefined;
}

/**
 * The key thumbprint an access token is bound to, from its `cnf` claim (RFC 7800, RFC 9449 §6.1):
 * undefined when there is no `cnf` (an unbound token); null when there is one we cannot honour,
 * and the token must be refused: not an object, no well-formed `jkt`, or any other confirmation
 * method (an mTLS certificate thumbprint `x5t#S256`, RFC 8705, or a `jwk`), which nothing here can
 * verify. Ignoring one would turn a sender-constrained token into a bearer token.
 */
export function boundJkt(cnf: unknown): string | undefined | null {
  if (cnf === undefined) return undefined;
  if (cnf === null || typeof cnf !== 'object' || Array.isArray(cnf)) return null;
  const members = Object.keys(cnf);
  if (members.length !== 1 || members[0] !== 'jkt') return null;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  return typeof jkt === 'string' && /^[A-Za-z0-9_-]{43}$/.test(jkt) ? jkt : null;
}

const refused = (challenge: string, detail: string) =>
  new ProblemException(401, { detail, headers: { 'WWW-Authenticate': challenge } });

/**
 * Sender-constrained access tokens at a protected resource (RFC 9449 §7). Call it for every
 * request with a verified access token, ours (src/auth/tokens/jwt.strategy.ts) or the external
 * provider's (src/oidc/external-token.authenticator.ts), after its signature and claims passed,
 * with the jkt the token is bound to (boundJkt of its `cnf`, undefined when unbound), on every
 * path (the verified-token fast path included): it decides from the request alone, every time.
 *
 * - a bound token is accepted only as `Authorization: DPoP <token>` with a fresh proof, signed
 *   by the bound key, for this method and URL, hashing this token (DpopProofVerifier);
 * - a bound token sent as `Bearer` is refused (§7.2: a stolen token, or a client downgrading);
 * - an unbound token is refused under the DPoP scheme (nothing binds it) and, with
 *   DPOP_REQUIRED, under Bearer too.
 *
 * Throws a 401 ProblemException with the RFC 9449 / RFC 6750 challenge, or
 * StateStoreUnavailableError (503) when the replay cache cannot answer.
 */
@Injectable()
export class AccessTokenBinding {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly proofs: DpopProofVerifier,
    private readonly nonces: DpopNonces,
  ) {}

  async enforce(req: Request, accessToken: string, boundJkt: string | undefined): Promise<void> {
    const scheme = authorizationScheme(req);
    if (boundJkt === undefined) {
      if (scheme === 'dpop') {
        throw refused(`DPoP error="invalid_token", ${DPOP_ALGS_PARAM}`, 'This access token is not bound to a DPoP key.');
      }
      if (this.config.dpop.required) {
        throw refused(`DPoP error="invalid_token", ${DPOP_ALGS_PARAM}`, 'This service accepts DPoP-bound access tokens only.');
      }
      return;
    }
    if (scheme !== 'dpop') {
      throw refused(
        `Bearer realm="api", error="invalid_token", DPoP ${DPOP_ALGS_PARAM}`,
        'A DPoP-bound access token must be sent with the DPoP scheme and a DPoP proof.',
      );
    }
    try {
      await this.proofs.verify(req, { accessToken, expectedJkt: boundJkt });
    } catch (error) {
      if (error instanceof DpopProofError) throw resourceProblem(error);
      throw error;
    }
    // The next nonce, so a client never has to take a use_dpop_nonce round trip (RFC 9449 §8.2).
    if (this.config.dpop.nonceRequired) req.res?.setHeader('DPoP-Nonce', this.nonces.issue());
  }
}
