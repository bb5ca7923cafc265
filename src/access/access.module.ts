import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditDeclarationGuard } from './audit-declaration.guard.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { AuthorizationGuard } from './authorization.guard.js';
import { CredentialAuthenticators } from './credential-authenticator.js';
import { RouteDeclarationsVerifier } from './route-declarations.verifier.js';

/**
 * The access layer's services: the guards src/request-pipeline.ts places in the pipeline, the
 * registry feature modules add their credential authenticators to, and the boot check that every route declares its access and its audit. Global, so any
 * feature module can register an authenticator without importing another feature.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    CredentialAuthenticators,
    RouteDeclarationsVerifier,
    AuditDeclarationGuard,
    AuthenticationGuard,
    AuthorizationGuard,
  ],
  exports: [CredentialAuthenticators, RouteDeclarationsVerifier, AuditDeclarationGuard, AuthenticationGuard, AuthorizationGuard],
})
export class AccessModule {}
