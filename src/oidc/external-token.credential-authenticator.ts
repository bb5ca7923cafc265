import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { accessTokenOf } from '../access/bearer-credential.js';
import type { CredentialAuthenticator } from '../access/credential-authenticator.js';
import type { ClientPrincipal, ExternalUserPrincipal } from '../access/principal.js';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';
import { DatabaseUnavailableError } from '../http/database-unavailable.error.js';
import { ProblemException } from '../http/problem.exception.js';
import { StateStoreUnavailableError } from '../shared-state/state-store-unavailable.error.js';
import { ExternalTokenAuthenticator } from './external-token.authenticator.js';

/**
 * The external OpenID provider's access tokens in the authentication guard's registry
 * (src/access/credential-authenticator.ts): it claims `Authorization: Bearer <jwt>` and
 * `Authorization: DPoP <jwt>` whose unverified `iss` is OIDC_ISSUER, and nothing else; the
 * service's own bearer authenticator claims every other bearer or DPoP token, so no token is
 * claimed twice. Registered by OidcModule only when a provider is configured.
 */
@Injectable()
export class ExternalTokenCredentialAuthenticator implements CredentialAuthenticator {
  readonly scheme = 'oidc_bearer';

  constructor(private readonly external: ExternalTokenAuthenticator) {}

  claims(req: Request): boolean {
    const token = accessTokenOf(req);
    return token !== undefined && this.external.claims(token);
  }

  /** None of its own: to a client both are bearer tokens, and the service's bearer authenticator gives that challenge. */
  challenge(): undefined {
    return undefined;
  }

  async authenticate(req: Request): Promise<ExternalUserPrincipal | ClientPrincipal | undefined> {
    const token = accessTokenOf(req);
    if (token === undefined) return undefined;
    try {
      const check = await this.external.authenticate(req, token);
      return check.ok ? check.principal : undefined;
    } catch (error) {
      // A DPoP refusal worded for the client (src/dpop/access-token-binding.ts): its own challenge.
      if (error instanceof ProblemException) throw error;
      // The DPoP replay cache cannot answer: 503, never a proof accepted unchecked.
      if (error instanceof StateStoreUnavailableError) throw error;
      // The account could not be read or provisioned (database down or too slow): 503, not a 401
      // that tells the client its valid token is bad.
      if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError();
      return undefined;
    }
  }
}
