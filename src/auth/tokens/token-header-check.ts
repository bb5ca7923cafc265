import { ACCESS_TOKEN_TYPE } from './access-token.service.js';

/** Header parameters that would let a token choose or carry its own key (RFC 8725 §2.1, §3.10). */
const KEY_CARRYING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'crit'];
const KID_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Checks the JOSE header before any key is chosen: ES256 only, `typ: at+jwt`, a kid shaped like
 * our thumbprints, and no embedded or remote key. Returns the kid, or undefined to refuse.
 */
export function acceptedKid(rawToken: string): string | undefined {
  const parts = rawToken.split('.');
  if (parts.length !== 3) return undefined;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined;
  if (header.alg !== 'ES256') return undefined;
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
  if (typ !== ACCESS_TOKEN_TYPE && typ !== `application/${ACCESS_TOKEN_TYPE}`) return undefined;
  if (KEY_CARRYING_HEADERS.some((name) => name in header)) return undefined;
  return typeof header.kid === 'string' && KID_FORMAT.test(header.kid) ? header.kid : undefined;
}
