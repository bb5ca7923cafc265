import type { Request } from 'express';
import { decodeJwt } from 'jose';

const BEARER_TOKEN = /^Bearer\s+(\S+)\s*$/i;

/** The token of `Authorization: Bearer <token>` (RFC 6750 §2.1), or undefined for any other header. */
export function bearerTokenOf(req: Request): string | undefined {
  return BEARER_TOKEN.exec(req.headers.authorization ?? '')?.[1];
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
