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

/** Who is calling, as established by the authentication guard. */
export type Principal = UserPrincipal | ApiKeyPrincipal;

export function principalOf(req: Request): Principal | undefined {
  return req.user as Principal | undefined;
}
