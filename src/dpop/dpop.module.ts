import { Module } from '@nestjs/common';
import { AccessTokenBinding } from './access-token-binding.js';
import { DpopNonces } from './dpop-nonces.js';
import { DpopProofVerifier } from './dpop-proof.verifier.js';
import { DpopReplayCache } from './dpop-replay-cache.js';
import { TokenRequestBinding } from './token-request-binding.js';

/**
 * DPoP (RFC 9449): proof checks, the shared replay cache and server nonces. AccessTokenBinding is
 * what an authenticator calls for a verified access token; TokenRequestBinding what login and
 * refresh call; DpopProofVerifier the check both share.
 */
@Module({
  providers: [DpopNonces, DpopReplayCache, DpopProofVerifier, AccessTokenBinding, TokenRequestBinding],
  exports: [DpopProofVerifier, AccessTokenBinding, TokenRequestBinding, DpopNonces],
})
export class DpopModule {}
