import type { Request } from 'express';

export type PresentedCredential =
  | { readonly kind: 'none' }
  | { readonly kind: 'apiKey'; readonly key: string }
  | { readonly kind: 'bearer' }
  | { readonly kind: 'ambiguous' };

/**
 * Which credential a request carries, from headers only (docs/http-contract.md#headers: never the query string).
 * API keys come as `X-API-Key: <key>` or `Authorization: ApiKey <key>`; sending both a key and a
 * bearer token is refused rather than guessing which one counts.
 */
export function presentedCredential(req: Request): PresentedCredential {
  const header = req.headers['x-api-key'];
  const authorization = req.headers.authorization ?? '';
  const schemeKey = /^ApiKey\s+(\S+)$/i.exec(authorization)?.[1];
  // An access token: Bearer, or DPoP for a sender-constrained one (RFC 9449 §7.1).
  const bearer = /^(Bearer|DPoP)\s/i.test(authorization);
  if (Array.isArray(header)) return { kind: 'ambiguous' };
  if (header !== undefined && (schemeKey !== undefined || bearer)) return { kind: 'ambiguous' };
  const key = header ?? schemeKey;
  if (key !== undefined) return { kind: 'apiKey', key: key.trim() };
  return bearer ? { kind: 'bearer' } : { kind: 'none' };
}
