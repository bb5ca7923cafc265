import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ExternalTokenVerifier } from './external-token.verifier.js';

/**
 * Readiness with an external OpenID provider configured (OIDC_ISSUER): down while no usable key
 * is held (never fetched, or expired and the provider unreachable), since every provider token
 * would then be refused; up with a note when the provider is unreachable but cached keys still
 * verify (taking every instance out of the load balancer would turn a provider blip into an outage).
 * It reads the key set's state: at most one fetch per cooldown, however often it is polled.
 */
@Injectable()
export class OidcProviderHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly verifier: ExternalTokenVerifier,
  ) {}

  get configured(): boolean {
    return this.verifier.providerConfigured;
  }

  async check(key: 'oidcProvider'): Promise<HealthIndicatorResult<'oidcProvider'>> {
    const indicator = this.indicators.check(key);
    const status = await this.verifier.keyStatus();
    if (status === undefined) return indicator.up();
    return status.keys === 'none' ? indicator.down({ ...status }) : indicator.up({ ...status });
  }
}
