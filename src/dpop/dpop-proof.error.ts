import { ProblemException } from '../http/problem.exception.js';
import { DPOP_ALGS_PARAM } from './dpop-algorithms.js';

/** The RFC 9449 error codes a proof check can end with. */
export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

/**
 * A refused DPoP proof. `reason` is for the code and tests only: clients get a fixed detail per
 * code (nothing about which check failed, nothing from the proof), and it is never logged.
 */
export class DpopProofError extends Error {
  constructor(
    readonly code: DpopErrorCode,
    readonly reason: string,
    /** For use_dpop_nonce: the nonce the client must put in its next proof. */
    readonly nonce?: string,
  ) {
    super(`DPoP proof refused: ${reason}`);
  }
}

const DETAIL: Record<DpopErrorCode, string> = {
  invalid_dpop_proof: 'The DPoP proof is missing or not valid for this request.',
  use_dpop_nonce: 'The DPoP proof must carry the nonce given in the DPoP-Nonce header.',
};

function headersOf(error: DpopProofError): Record<string, string> {
  return {
    'WWW-Authenticate': `DPoP error="${error.code}", ${DPOP_ALGS_PARAM}`,
    ...(error.nonce === undefined ? {} : { 'DPoP-Nonce': error.nonce }),
  };
}

/**
 * At a protected resource (RFC 9449 §7.1, RFC 6750 §3): 401 with the error in the DPoP
 * challenge, and the nonce to use next in DPoP-Nonce (§9).
 */
export function resourceProblem(error: DpopProofError): ProblemException {
  return new ProblemException(401, { detail: DETAIL[error.code], headers: headersOf(error) });
}

/**
 * At login or refresh, which play the token endpoint's part (RFC 9449 §5, §8): 400, with the
 * same machine-readable code in a DPoP challenge, since the body is an RFC 9457 problem and
 * not an OAuth error object.
 */
export function tokenRequestProblem(error: DpopProofError): ProblemException {
  return new ProblemException(400, { detail: DETAIL[error.code], headers: headersOf(error) });
}
