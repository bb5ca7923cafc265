import type { Request } from 'express';
import { decodeJwt } from 'jose';

const ACCESS_TOKEN = /^(?:Bearer|DPoP)\s+(\S+)\s*$/i;

/**
 * The access token of `Authorization: Bearer <token>` (RFC 6750 §2.1) or, for a DPoP-bound token,
 * `Authorization: DPoP <token>` (RFC 9449 §7.1); undefined for any other header. Which of the two
 * a token may use is decided once it verified, from its `cnf` (src/dpop/access-token-binding.ts),
 * for the service's own tokens and the external provider's alike.
 */
export function accessTokenOf(req: Request): string | undefined {
  return ACCESS_TOKEN.exec(req.headers.authorization ?? '')?.[1];
}

/**
 * The `iss` a JWT says it has, before any verification: only to hand the token to the one
 * authenticator of that issuer (the service's own tokens, or an external OpenID provider's), which
 * then verifies everything. Undefined for anything that does not decode as a JWT with a string `iss`.
 */
export function unverifiedIssuerOf(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
