import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DPOP_ALGORITHMS, PRIVATE_JWK_MEMBERS } from './dpop-algorithms.js';
import { DpopNonces } from './dpop-nonces.js';
import { DpopProofError } from './dpop-proof.error.js';
import { DpopReplayCache } from './dpop-replay-cache.js';
import { normalisedTargetUri, requestTargetUri } from './dpop-target-uri.js';

/**
 * Clock skew tolerated between the client that made a proof and us, either side of its iat: the
 * same 5 s as for our own access tokens (src/auth/tokens/token-time-window.ts), stated here
 * because this folder sits below src/auth/ (it serves the external provider's tokens too).
 */
export const CLOCK_TOLERANCE_SECONDS = 5;
/** A proof is accepted this long after its iat (plus the clock tolerance either side). */
export const DPOP_PROOF_MAX_AGE_SECONDS = 60;
/** A replayed jti must be caught for as long as its proof could still pass the iat check. */
const REPLAY_WINDOW_SECONDS = DPOP_PROOF_MAX_AGE_SECONDS + 2 * CLOCK_TOLERANCE_SECONDS;
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ALGORITHMS: readonly string[] = DPOP_ALGORITHMS;

export interface DpopProofCheck {
  /** The access token presented with the proof (resource requests): the proof's ath must hash it. */
  readonly accessToken?: string;
  /** The thumbprint the access token is bound to (its cnf.jkt): the proof's key must match it. */
  readonly expectedJkt?: string;
}

const refuse = (reason: string): never => {
  throw new DpopProofError('invalid_dpop_proof', reason);
};

/**
 * Checks the DPoP proof of a request, RFC 9449 §4.3 in order, and returns the thumbprint
 * (RFC 7638, SHA-256) of the key that signed it. Throws DpopProofError (or
 * StateStoreUnavailableError when the replay cache cannot answer: fail closed).
 *
 * The one place proofs are checked, for login and refresh (no token yet) and for every request
 * with a bound access token, ours or an external provider's carrying cnf.jkt. Nothing is cached:
 * a proof is good for one request, so even a token on the verified-token fast path needs a fresh
 * proof every time.
 */
@Injectable()
export class DpopProofVerifier {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly nonces: DpopNonces,
    private readonly replays: DpopReplayCache,
  ) {}

  async verify(req: Request, check: DpopProofCheck = {}): Promise<{ jkt: string }> {
    // 1–2: exactly one proof, a well-formed compact JWS. Node joins repeated headers with ", ".
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(proof)) refuse('no single compact JWS');
    const header = this.headerOf(proof as string);
    // 3–7: typ dpop+jwt, an asymmetric alg, a public JWK, a signature that verifies under it.
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(proof as string, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: [...ALGORITHMS],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch {
      return refuse('signature, typ or key refused');
    }
    const jkt = await calculateJwkThumbprint(header.jwk, 'sha256');
    // 8–9: made for this method and this URL.
    const { jti, htm, htu, iat, ath, nonce } = payload as JWTPayload & Record<string, unknown>;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) refuse('jti');
    if (htm !== req.method) refuse('htm');
    const expected = requestTargetUri(req, this.config.publicOrigin);
    if (typeof htu !== 'string' || expected === undefined || normalisedTargetUri(htu) !== expected) refuse('htu');
    // 11: recent. Tolerance either side for clock skew; nonces (below) bound it independently of the client's clock.
    const now = Math.floor(Date.now() / 1000);
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return refuse('iat');
    if (iat > now + CLOCK_TOLERANCE_SECONDS || iat < now - DPOP_PROOF_MAX_AGE_SECONDS - CLOCK_TOLERANCE_SECONDS)
      refuse('iat window');
    // 12: bound to the access token and its key.
    if (check.accessToken !== undefined && ath !== accessTokenHash(check.accessToken)) refuse('ath');
    if (check.expectedJkt !== undefined && jkt !== check.expectedJkt) refuse('key does not match the token binding');
    // 10: the server's nonce, when required, or whenever the client sent one (a stale one is refused either way).
    if ((this.config.dpop.nonceRequired || nonce !== undefined) && !this.nonces.isFresh(nonce)) {
      throw new DpopProofError('use_dpop_nonce', 'nonce missing or stale', this.nonces.issue());
    }
    // Last, once everything else holds (a refused proof costs no store write): never seen before.
    if (!(await this.replays.firstUse(jkt, jti as string, REPLAY_WINDOW_SECONDS))) refuse('jti replayed');
    return { jkt };
  }

  /** The protected header, refused before any crypto unless it can only be a public-key proof. */
  private headerOf(proof: string): { jwk: JWK } {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(proof);
    } catch {
      return refuse('header');
    }
    if (header.typ !== 'dpop+jwt') refuse('typ');
    if (typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) refuse('alg');
    const jwk = header.jwk;
    if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) return refuse('jwk');
    // A private key in a proof header: the client published it. Never accept (§4.3 check 7).
    if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) refuse('jwk carries private key material');
    return { jwk };
  }
}

/** `ath` (RFC 9449 §4.2): base64url of the SHA-256 of the access token's ASCII bytes. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}
