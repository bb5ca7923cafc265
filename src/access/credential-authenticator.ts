import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from './principal.js';

/**
 * One way a caller may prove who they are: the service's own bearer access tokens
 * (src/auth/tokens/bearer-token.authenticator.ts), API keys (src/api-keys/api-key.authenticator.ts).
 * The authentication guard knows none of them: each feature module registers its own
 * authenticator in CredentialAuthenticators (docs/architecture.md#adding-a-way-to-authenticate), so
 * deleting a feature folder removes its way in and nothing else.
 */
export interface CredentialAuthenticator {
  /** Names the credential in metrics and logs: `bearer`, `api_key`, `oidc_bearer` (no secrets, a fixed word). */
  readonly scheme: string;
  /**
   * Whether the request carries this authenticator's kind of credential, from headers only (never
   * the query string). Claims must not overlap: a request two authenticators claim is refused
   * (401) rather than guessing which credential counts.
   */
  claims(req: Request): boolean;
  /**
   * Verifies the claimed credential. Resolves to the principal, or to undefined when the credential
   * is refused (the guard answers 401 with every challenge). Throws a ProblemException for any other
   * answer (403 for a key used from a refused address, 503 when the check cannot be made now).
   */
  authenticate(req: Request): Promise<Principal | undefined>;
  /**
   * This scheme's WWW-Authenticate challenge (RFC 9110 §11.6.1); `refused` when a credential was
   * presented and refused. Undefined when another authenticator's challenge already names the
   * scheme (an external provider's bearer tokens share the service's `Bearer` challenge).
   */
  challenge(refused: boolean): string | undefined;
}

/**
 * The registry the authentication guard asks. Feature modules register their authenticator when
 * the module starts (OnModuleInit). Challenges are listed by `precedence`, lowest first, so the
 * WWW-Authenticate header does not depend on the order modules start in.
 */
@Injectable()
export class CredentialAuthenticators {
  private readonly registered: { readonly authenticator: CredentialAuthenticator; readonly precedence: number }[] = [];

  register(authenticator: CredentialAuthenticator, precedence: number): void {
    if (this.registered.some((entry) => entry.authenticator.scheme === authenticator.scheme)) {
      throw new Error(`Two credential authenticators for the scheme "${authenticator.scheme}"`);
    }
    this.registered.push({ authenticator, precedence });
    this.registered.sort((a, b) => a.precedence - b.precedence);
  }

  /** The one authenticator claiming the request; undefined for none, 'ambiguous' for more than one. */
  claimantOf(req: Request): CredentialAuthenticator | 'ambiguous' | undefined {
    let claimant: CredentialAuthenticator | undefined;
    for (const { authenticator } of this.registered) {
      if (!authenticator.claims(req)) continue;
      if (claimant !== undefined) return 'ambiguous';
      claimant = authenticator;
    }
    return claimant;
  }

  /** Every registered scheme's challenge, for one WWW-Authenticate header. */
  challenges(refused: boolean): string {
    return this.registered
      .map(({ authenticator }) => authenticator.challenge(refused))
      .filter((challenge) => challenge !== undefined)
      .join(', ');
  }

  schemes(): string[] {
    return this.registered.map(({ authenticator }) => authenticator.scheme);
  }
}

const SCHEME = Symbol('credentialScheme');

/** Notes which authenticator handled the request (http-metrics.middleware.ts labels refusals by it). */
export function rememberCredentialScheme(req: Request, scheme: string): void {
  (req as Request & { [SCHEME]?: string })[SCHEME] = scheme;
}

/** The scheme of the credential the request presented, once the authentication guard saw it. */
export function credentialSchemeOf(req: Request): string | undefined {
  return (req as Request & { [SCHEME]?: string })[SCHEME];
}
