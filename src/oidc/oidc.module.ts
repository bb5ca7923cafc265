import { Module, type OnModuleInit } from '@nestjs/common';
import { CredentialAuthenticators } from '../access/credential-authenticator.js';
import { DpopModule } from '../dpop/dpop.module.js';
import { HealthModule } from '../health/health.module.js';
import { ReadinessChecks } from '../health/readiness-checks.js';
import { UsersModule } from '../users/users.module.js';
import { ExternalAccountsService } from './external-accounts.service.js';
import { ExternalTokenAuthenticator } from './external-token.authenticator.js';
import { ExternalTokenCredentialAuthenticator } from './external-token.credential-authenticator.js';
import { ExternalTokenVerifier } from './external-token.verifier.js';
import { OidcProviderReadiness } from './oidc-provider.health.js';

/**
 * Resource server for an external OpenID provider (docs/oauth-oidc.md): the provider's key set and
 * token verifier, the just-in-time accounts, DPoP for the tokens it binds (src/dpop/, shared with
 * our own tokens), and the two points where it plugs into the rest of the service, both registries
 * of lower layers: its credential authenticator (the authentication guard hands it the provider's
 * bearer and DPoP tokens) and its readiness check (/health/ready). Inert when OIDC_ISSUER is not
 * set: nothing is registered and every access token takes the local path.
 */
@Module({
  imports: [UsersModule, HealthModule, DpopModule],
  providers: [
    ExternalTokenVerifier,
    ExternalAccountsService,
    ExternalTokenAuthenticator,
    ExternalTokenCredentialAuthenticator,
    OidcProviderReadiness,
  ],
})
export class OidcModule implements OnModuleInit {
  constructor(
    private readonly verifier: ExternalTokenVerifier,
    private readonly authenticator: ExternalTokenCredentialAuthenticator,
    private readonly readiness: OidcProviderReadiness,
    private readonly authenticators: CredentialAuthenticators,
    private readonly readinessChecks: ReadinessChecks,
  ) {}

  onModuleInit(): void {
    if (!this.verifier.providerConfigured) return;
    // After the service's own bearer tokens (0), before API keys (10): its challenge is the bearer one.
    this.authenticators.register(this.authenticator, 1);
    this.readinessChecks.register(this.readiness);
  }
}
