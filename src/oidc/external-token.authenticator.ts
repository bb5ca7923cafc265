import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { ClientPrincipal, ExternalUserPrincipal } from '../access/principal.js';
import { AccessTokenBinding, boundJkt } from '../dpop/access-token-binding.js';
import { UsersService } from '../users/users.service.js';
import { ExternalAccountsService } from './external-accounts.service.js';
import { externalCallerOf, providerSignInOf } from './external-claims.js';
import { EXTERNAL_CLOCK_TOLERANCE_SECONDS, ExternalTokenVerifier } from './external-token.verifier.js';

export type ExternalAuthentication =
  { readonly ok: true; readonly principal: ExternalUserPrincipal | ClientPrincipal } | { readonly ok: false };

/**
 * Bearer tokens whose `iss` is OIDC_ISSUER (external-token.credential-authenticator.ts asks
 * `claims` first): verified against the provider's keys, then mapped to a local account (created
 * on first use), which must not be disabled. The role comes from the token at every request, so a role removed at the
 * provider counts from the next token on. Everything else about the caller is read fresh too.
 *
 * A token the provider bound to a DPoP key (`cnf.jkt`, RFC 9449 §6) is held to exactly what ours
 * are, by the same AccessTokenBinding (src/dpop/): `Authorization: DPoP` with a fresh proof of
 * that key for this request, never as Bearer; an unbound token is refused under the DPoP scheme
 * (and, with DPOP_REQUIRED, under Bearer too). Any other confirmation method (an mTLS certificate
 * thumbprint, RFC 8705) cannot be verified here and is refused.
 */
@Injectable()
export class ExternalTokenAuthenticator {
  constructor(
    private readonly verifier: ExternalTokenVerifier,
    private readonly accounts: ExternalAccountsService,
    private readonly users: UsersService,
    private readonly binding: AccessTokenBinding,
  ) {}

  /** Whether the token claims to come from the external provider (unverified: routing only). */
  claims(token: string): boolean {
    return this.verifier.claimsProviderIssuer(token);
  }

  /**
   * Resolves to the principal, or `{ ok: false }` for a refused token. Throws a 401
   * ProblemException with the RFC 9449 challenge for a DPoP refusal (a bound token without its
   * proof, or as Bearer), or StateStoreUnavailableError when the replay cache cannot answer.
   */
  async authenticate(req: Request, token: string): Promise<ExternalAuthentication> {
    const verified = await this.verifier.verify(token);
    if (!verified.ok) return { ok: false };
    const { claims } = verified;
    const jkt = boundJkt(claims.cnf);
    if (jkt === null) return { ok: false };
    // Before the account is read or created: a stolen bound token without its key provisions nothing.
    await this.binding.enforce(req, token, jkt);
    const caller = externalCallerOf(claims, this.verifier.configuredProvider());
    if (caller === undefined) return { ok: false };
    const issuer = claims.iss!;
    const userId = await this.accounts.userIdFor({
      issuer,
      subject: caller.subject,
      kind: caller.kind,
      displayName: caller.displayName,
      role: caller.role,
    });
    // Disabled here, locally, by an admin: refused whatever the provider says.
    const account = await this.users.findAuthState(userId);
    if (account === null || account.disabled) return { ok: false };
    if (caller.kind === 'client') {
      const { clientId, role, scopes, subject } = caller;
      return { ok: true, principal: { kind: 'client', clientId, userId, role, scopes, issuer, subject } };
    }
    return {
      ok: true,
      principal: {
        kind: 'externalUser',
        userId,
        role: caller.role,
        issuer,
        subject: caller.subject,
        tokenExpiresAt: claims.exp!,
        ...providerSignInOf(claims, Math.floor(Date.now() / 1000), EXTERNAL_CLOCK_TOLERANCE_SECONDS),
      },
    };
  }
}
