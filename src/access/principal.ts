import type { Request } from 'express';
import type { Role, Scope } from './access.decorators.js';

/** A user calling with a bearer access token. */
export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly role: Role;
  readonly sessionId: string;
  readonly tokenId: string;
  /** Access-token expiry, epoch seconds: revocation entries need to live only this long. */
  readonly tokenExpiresAt: number;
  /** The token's `amr` (RFC 8176): `pwd`, and `otp` once a second factor was passed. */
  readonly amr: readonly string[];
  /** The token's `auth_time`: when the user last authenticated, epoch seconds (step-up reads it). */
  readonly authTime: number;
}

/** A machine client calling with an API key: it acts as its owner, limited to its scopes. */
export interface ApiKeyPrincipal {
  readonly kind: 'apiKey';
  readonly keyId: string;
  /** The owner: policies treat the key exactly as this user. */
  readonly userId: string;
  /** The owner's current role, read on every request. */
  readonly role: Role;
  /** The key's scopes that the owner's current role still allows. */
  readonly scopes: readonly Scope[];
}

/**
 * A person signed in at the external OpenID provider (src/oidc/): a local account keyed by
 * (issuer, subject), with the role OIDC_ROLE_MAP gives the token's roles claim. It has no local
 * session, so routes about local sessions, passwords and keys refuse it (CurrentUser).
 */
export interface ExternalUserPrincipal {
  readonly kind: 'externalUser';
  readonly userId: string;
  readonly role: Role;
  readonly issuer: string;
  readonly subject: string;
  readonly tokenExpiresAt: number;
  /**
   * How the person signed in at the provider (its `amr` and `auth_time`): what MFA_REQUIRED_ROLES
   * and step-up hold a provider account to, since its second factor lives there (src/auth/mfa/).
   */
  readonly secondFactor: boolean;
  readonly authTime: number | undefined;
}

/**
 * A machine client of the external provider (client credentials, no end user): authorized like
 * an API key, by its token's scopes that this API defines, and @Roles by its mapped role. Its
 * local account (keyed like a user's) owns what it creates and can be disabled by an admin.
 */
export interface ClientPrincipal {
  readonly kind: 'client';
  readonly clientId: string;
  readonly userId: string;
  readonly role: Role;
  readonly scopes: readonly Scope[];
  readonly issuer: string;
  readonly subject: string;
}

/** Who is calling, as established by the authentication guard. */
export type Principal = UserPrincipal | ApiKeyPrincipal | ExternalUserPrincipal | ClientPrincipal;

export function principalOf(req: Request): Principal | undefined {
  return req.user as Principal | undefined;
}
