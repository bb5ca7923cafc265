import { Injectable } from '@nestjs/common';
import type { ClientPrincipal, ExternalUserPrincipal } from '../access/principal.js';
import { UsersService } from '../users/users.service.js';
import { ExternalAccountsService } from './external-accounts.service.js';
import { externalCallerOf } from './external-claims.js';
import { ExternalTokenVerifier } from './external-token.verifier.js';

export type ExternalAuthentication =
  { readonly ok: true; readonly principal: ExternalUserPrincipal | ClientPrincipal } | { readonly ok: false };

/**
 * Bearer tokens whose `iss` is OIDC_ISSUER (external-token.credential-authenticator.ts asks
 * `claims` first): verified against the provider's keys, then mapped to a local account (created
 * on first use), which must not be disabled. The role comes from the token at every request, so a role removed at the
 * provider counts from the next token on. Everything else about the caller is read fresh too.
 */
@Injectable()
export class ExternalTokenAuthenticator {
  constructor(
    private readonly verifier: ExternalTokenVerifier,
    private readonly accounts: ExternalAccountsService,
    private readonly users: UsersService,
  ) {}

  /** Whether the token claims to come from the external provider (unverified: routing only). */
  claims(token: string): boolean {
    return this.verifier.claimsProviderIssuer(token);
  }

  async authenticate(token: string): Promise<ExternalAuthentication> {
    const verified = await this.verifier.verify(token);
    if (!verified.ok) return { ok: false };
    const { claims } = verified;
    // A sender-constrained token (RFC 9449 / RFC 8705 `cnf`) is refused until its proof of
    // possession is checked here: accepting it as a plain bearer token would defeat the binding.
    if (claims.cnf !== undefined) return { ok: false };
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
      },
    };
  }
}
