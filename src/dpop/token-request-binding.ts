import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DpopNonces } from './dpop-nonces.js';
import { DpopProofError, tokenRequestProblem } from './dpop-proof.error.js';
import { DpopProofVerifier } from './dpop-proof.verifier.js';

/**
 * Login and refresh play the token endpoint's part (RFC 9449 §5): a request with a valid DPoP
 * proof gets tokens bound to the proof's key, one without gets unbound (Bearer) tokens unless
 * DPOP_REQUIRED. Called by the controller before the credentials are checked, so an invalid
 * proof costs no password verification and no lockout attempt.
 */
@Injectable()
export class TokenRequestBinding {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly proofs: DpopProofVerifier,
    private readonly nonces: DpopNonces,
  ) {}

  /** The thumbprint to bind the tokens to, or null for unbound tokens; throws a 400 problem for a refused proof. */
  async keyOf(req: Request): Promise<string | null> {
    // Without a proof: unbound tokens, unless DPOP_REQUIRED (then the verifier refuses the missing proof).
    if (req.headers.dpop === undefined && !this.config.dpop.required) return null;
    try {
      const { jkt } = await this.proofs.verify(req);
      if (this.config.dpop.nonceRequired) req.res?.setHeader('DPoP-Nonce', this.nonces.issue());
      return jkt;
    } catch (error) {
      if (error instanceof DpopProofError) throw tokenRequestProblem(error);
      throw error;
    }
  }
}
