import { Injectable } from '@nestjs/common';
import type { ReadinessCheck, ReadinessResult } from '../health/readiness-checks.js';
import { ExternalTokenVerifier } from './external-token.verifier.js';

/**
 * Readiness with an external OpenID provider configured (OIDC_ISSUER), as `oidcProvider` in
 * /health/ready: down while no usable key is held (never fetched, or expired and the provider
 * unreachable), since every provider token would then be refused; up with a note when the provider
 * is unreachable but cached keys still verify (taking every instance out of the load balancer would
 * turn a provider blip into an outage). It reads the key set's state: at most one fetch per
 * cooldown, however often it is polled. Registered by OidcModule only when a provider is configured.
 */
@Injectable()
export class OidcProviderReadiness implements ReadinessCheck {
  readonly name = 'oidcProvider';

  constructor(private readonly verifier: ExternalTokenVerifier) {}

  async check(): Promise<ReadinessResult> {
    const status = await this.verifier.keyStatus();
    if (status === undefined) return { up: true, details: {} };
    return { up: status.keys !== 'none', details: { ...status } };
  }
}
