import { ConfigError } from './config-error.js';
import { readInt, readList, readOptional, type Env } from './env-parsers.js';

/** Local roles a provider role can map to; everyone else is `user`. */
export type MappedRole = 'admin' | 'auditor';

/** The external OpenID provider whose access tokens this service accepts (docs/oauth-oidc.md). */
export interface OidcConfig {
  /** OIDC_ISSUER: exact `iss` value; discovery at `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** OIDC_AUDIENCE: the `aud` every accepted token must carry (our resource indicator). */
  readonly audience: string;
  /** OIDC_ROLES_CLAIM: the claim name as written, tried first, then as a dot path. */
  readonly rolesClaim: string;
  /** OIDC_ROLE_MAP: provider role → local role (admin wins over auditor). */
  readonly roleMap: ReadonlyMap<string, MappedRole>;
  /** OIDC_ALGORITHMS: the JWS algorithms accepted, asymmetric only. */
  readonly algorithms: readonly string[];
  /** OIDC_JWKS_COOLDOWN_SECONDS: at most one fetch of the provider's keys per this interval. */
  readonly jwksCooldownSeconds: number;
}

/**
 * Asymmetric JWS algorithms only (RFC 8725 §3.1-3.2): `none` accepts anything, and an HMAC
 * algorithm would verify with a secret the provider shares with every one of its clients.
 */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const MAPPED_ROLES: readonly MappedRole[] = ['admin', 'auditor'];
const OIDC_VARIABLES = ['OIDC_AUDIENCE', 'OIDC_ROLES_CLAIM', 'OIDC_ROLE_MAP', 'OIDC_ALGORITHMS', 'OIDC_JWKS_COOLDOWN_SECONDS'];

/**
 * Parses the OIDC_* variables, failing closed: a partial configuration is refused rather than
 * ignored (someone meant to turn it on), and nothing weaker than the defaults can be configured.
 */
export function parseOidcConfig(env: Env, production: boolean, ownIssuer: string): OidcConfig | undefined {
  const issuer = readOptional(env, 'OIDC_ISSUER');
  if (issuer === undefined) {
    const stray = OIDC_VARIABLES.find((name) => readOptional(env, name) !== undefined);
    if (stray !== undefined) throw new ConfigError(stray, 'is set but OIDC_ISSUER is not: set both, or neither');
    return undefined;
  }
  const audience = readOptional(env, 'OIDC_AUDIENCE');
  if (audience === undefined) throw new ConfigError('OIDC_AUDIENCE', 'is required when OIDC_ISSUER is set');
  return {
    issuer: parseIssuer(issuer, production, ownIssuer),
    audience,
    rolesClaim: parseRolesClaim(readOptional(env, 'OIDC_ROLES_CLAIM') ?? 'roles'),
    roleMap: parseRoleMap(readList(env, 'OIDC_ROLE_MAP')),
    algorithms: parseAlgorithms(
      readOptional(env, 'OIDC_ALGORITHMS') === undefined ? DEFAULT_ALGORITHMS : readList(env, 'OIDC_ALGORITHMS'),
    ),
    jwksCooldownSeconds: readInt(env, 'OIDC_JWKS_COOLDOWN_SECONDS', 30, 1, 3600),
  };
}

function parseIssuer(raw: string, production: boolean, ownIssuer: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('OIDC_ISSUER', 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('OIDC_ISSUER', 'must be an https URL');
  // Keys fetched over plain http could be swapped by anyone on the path: tokens forged at will.
  if (production && url.protocol !== 'https:') throw new ConfigError('OIDC_ISSUER', 'must use https in production');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    throw new ConfigError('OIDC_ISSUER', 'must not carry a query, fragment or credentials (OpenID Connect Discovery §2)');
  // The `iss` decides which verifier runs: one value cannot name both issuers.
  if (raw === ownIssuer) throw new ConfigError('OIDC_ISSUER', 'must differ from JWT_ISSUER (this service’s own issuer)');
  // Kept exactly as written: `iss` is compared as a string (RFC 9068 §4), a trailing slash included.
  return raw;
}

function parseRolesClaim(raw: string): string {
  if (raw.split('.').some((segment) => segment === '') || /\s/.test(raw))
    throw new ConfigError('OIDC_ROLES_CLAIM', `must be a claim name or a dot path such as realm_access.roles, got "${raw}"`);
  return raw;
}

function parseRoleMap(entries: readonly string[]): ReadonlyMap<string, MappedRole> {
  const map = new Map<string, MappedRole>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const role = entry.slice(0, at).trim();
    const providerRole = entry.slice(at + 1).trim();
    if (at < 0 || providerRole === '' || !(MAPPED_ROLES as readonly string[]).includes(role))
      throw new ConfigError('OIDC_ROLE_MAP', `entries are admin=<provider role> or auditor=<provider role>, got "${entry}"`);
    const earlier = map.get(providerRole);
    if (earlier !== undefined && earlier !== role)
      throw new ConfigError('OIDC_ROLE_MAP', `maps the provider role "${providerRole}" to two local roles`);
    map.set(providerRole, role as MappedRole);
  }
  return map;
}

function parseAlgorithms(list: readonly string[]): readonly string[] {
  if (list.length === 0) throw new ConfigError('OIDC_ALGORITHMS', 'must list at least one algorithm');
  for (const alg of list) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg))
      throw new ConfigError(
        'OIDC_ALGORITHMS',
        `"${alg}" is not accepted: only ${ASYMMETRIC_ALGORITHMS.join(', ')} (never none or an HMAC algorithm)`,
      );
  }
  return [...new Set(list)];
}
