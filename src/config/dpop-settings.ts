import { ConfigError } from './config-error.js';
import { readBool, readOptional, type Env } from './env-parsers.js';

/** DPoP (RFC 9449) policy and the public origin proofs are checked against (src/dpop/). */
export interface DpopSettings {
  /** DPOP_REQUIRED: every access token must be DPoP-bound, and login/refresh must carry a proof. */
  readonly required: boolean;
  /** DPOP_NONCE_REQUIRED: every proof must carry a fresh server nonce (DPoP-Nonce). */
  readonly nonceRequired: boolean;
}

export function parseDpopSettings(env: Env): DpopSettings {
  return {
    required: readBool(env, 'DPOP_REQUIRED', false),
    nonceRequired: readBool(env, 'DPOP_NONCE_REQUIRED', false),
  };
}

/**
 * PUBLIC_ORIGIN: `scheme://host[:port]` as clients reach this service (behind a proxy: the
 * proxy's). DPoP proofs name the URL they were made for (`htu`); with this set, that URL is
 * compared with this origin and never with the request's Host or X-Forwarded-* headers, which a
 * client chooses. The issuer metadata names its URLs under it too. Unset, both fall back to the
 * request's own scheme and host (after the TRUST_PROXY rules).
 */
export function parsePublicOrigin(env: Env, production: boolean): string | undefined {
  const raw = readOptional(env, 'PUBLIC_ORIGIN');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PUBLIC_ORIGIN', 'must be an origin such as https://api.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError('PUBLIC_ORIGIN', 'must be an http or https origin');
  if (url.origin !== raw) {
    throw new ConfigError(
      'PUBLIC_ORIGIN',
      `must be an origin (scheme://host[:port], no path or trailing slash); did you mean "${url.origin}"?`,
    );
  }
  if (production && url.protocol !== 'https:') throw new ConfigError('PUBLIC_ORIGIN', 'must use https in production');
  return url.origin;
}
