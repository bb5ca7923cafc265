import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { ExternalAccountsService } from './external-accounts.service.js';
import { ExternalIdentity } from './external-identity.entity.js';
import { ExternalTokenAuthenticator } from './external-token.authenticator.js';
import { ExternalTokenVerifier } from './external-token.verifier.js';

/**
 * Resource server for an external OpenID provider (docs/oauth-oidc.md): the authenticator the
 * authentication guard hands provider tokens to, the just-in-time accounts, the readiness check.
 * Inert when OIDC_ISSUER is not set (every token then takes the local path).
 */
@Module({
  imports: [UsersModule, TypeOrmModule.forFeature([ExternalIdentity])],
  providers: [ExternalTokenVerifier, ExternalAccountsService, ExternalTokenAuthenticator],
  // The readiness check (oidc-provider.health.ts) is registered by the health module, which has terminus.
  exports: [ExternalTokenAuthenticator, ExternalAccountsService, ExternalTokenVerifier],
})
export class OidcModule {}
