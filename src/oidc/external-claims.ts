import type { JWTPayload } from 'jose';
import type { Role } from '../access/roles.js';
import type { OidcConfig } from '../config/oidc-config.js';
import { SCOPES, type Scope } from '../access/scopes.js';

/** What a verified provider token says about its caller, in our vocabulary. */
export type ExternalCaller =
  | { readonly kind: 'user'; readonly subject: string; readonly role: Role; readonly displayName: unknown }
  | {
      readonly kind: 'client';
      readonly subject: string;
      readonly clientId: string;
      readonly role: Role;
      readonly scopes: readonly Scope[];
      readonly displayName: unknown;
    };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Reads a verified token's claims. `sub` identifies the account; whether it is a machine client
 * (client credentials, no end user) is read from the markers providers use for it:
 * - `sub` equal to `client_id`/`azp` (RFC 9068 §2.2: no resource owner, the subject is the client;
 *   oidc-provider, Okta), or `<client_id>@clients` with `gty: client-credentials` (Auth0);
 * - `idtyp: app` (Entra ID, optional claim);
 * - a `service-account-<client>` username (Keycloak service accounts).
 * Returns undefined for a token we cannot interpret (no `sub`, a client without a client id).
 */
export function externalCallerOf(claims: JWTPayload, config: OidcConfig): ExternalCaller | undefined {
  const subject = text(claims.sub);
  if (subject === undefined || subject.length > 255) return undefined;
  const clientId = text(claims.client_id) ?? text(claims.azp) ?? text(claims.appid);
  const role = roleOf(claims, config);
  const displayName = claims.name ?? claims.preferred_username;
  const isClient =
    clientId !== undefined &&
    (subject === clientId ||
      claims.gty === 'client-credentials' ||
      claims.idtyp === 'app' ||
      claims.preferred_username === `service-account-${clientId}`);
  if (!isClient) return { kind: 'user', subject, role, displayName };
  return { kind: 'client', subject, clientId, role, scopes: scopesOf(claims), displayName: displayName ?? clientId };
}

/** OIDC_ROLE_MAP over the roles claim: admin if any provider role maps to admin, else auditor, else user. */
export function roleOf(claims: JWTPayload, config: OidcConfig): Role {
  const value = claimAt(claims, config.rolesClaim);
  const providerRoles =
    typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((r) => typeof r === 'string') : [];
  const mapped = new Set(providerRoles.map((role) => config.roleMap.get(role)));
  if (mapped.has('admin')) return 'admin';
  if (mapped.has('auditor')) return 'auditor';
  return 'user';
}

/** The claim named exactly so (Auth0's namespaced claims contain dots), else the dot path. */
function claimAt(claims: JWTPayload, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * `scope` (RFC 9068 §2.2.3, space-delimited) or `scp` (Entra ID: a string; Okta: an array),
 * intersected with the scopes this API defines: anything else the provider granted means nothing here.
 */
export function scopesOf(claims: JWTPayload): Scope[] {
  const raw = claims.scope ?? claims.scp;
  const granted = typeof raw === 'string' ? raw.split(' ') : Array.isArray(raw) ? raw : [];
  return SCOPES.filter((scope) => granted.includes(scope));
}

/** How the person signed in at the provider, as far as its access token says. */
export interface ProviderSignIn {
  /** The token's `amr` (RFC 8176) names a factor beyond a password. */
  readonly secondFactor: boolean;
  /** `auth_time` (seconds), when the provider puts it in access tokens (RFC 9068 §2.2.1); else undefined. */
  readonly authTime: number | undefined;
}

/**
 * RFC 8176 methods that show a second factor: `mfa` itself, a one-time code (`otp`, `sms`), a
 * hardware or software key (`hwk`, `swk`, WebAuthn and passkeys), a smart card (`sc`). Biometrics
 * alone are left out: a provider that uses one as a second factor also says `mfa`.
 */
const SECOND_FACTOR_METHODS = new Set(['mfa', 'otp', 'sms', 'hwk', 'swk', 'sc']);
const MAX_AMR_ENTRIES = 16;

/** Reads `amr` and `auth_time` of a verified token; anything malformed counts as absent (fail closed). */
export function providerSignInOf(claims: JWTPayload, nowSeconds: number, clockToleranceSeconds: number): ProviderSignIn {
  const amr = Array.isArray(claims.amr) && claims.amr.length <= MAX_AMR_ENTRIES ? claims.amr : [];
  const secondFactor = amr.some((method) => typeof method === 'string' && SECOND_FACTOR_METHODS.has(method));
  const authTime = claims.auth_time;
  const validAuthTime =
    typeof authTime === 'number' &&
    Number.isSafeInteger(authTime) &&
    authTime > 0 &&
    authTime <= nowSeconds + clockToleranceSeconds;
  return { secondFactor, authTime: validAuthTime ? authTime : undefined };
}
