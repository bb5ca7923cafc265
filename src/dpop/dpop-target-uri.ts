import type { Request } from 'express';

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * A URI as RFC 9449 §4.3 check 9 compares `htu`: scheme, host and path only (no query, no
 * fragment), after syntax- and scheme-based normalisation (RFC 3986 §6.2.2, §6.2.3). WHATWG URL
 * lowercases scheme and host, drops a default port and removes dot segments (`%2e` included);
 * here, percent-escapes of unreserved characters are decoded and the others upper-cased, so
 * `/api/v1/%6Eotes` and `/api/v1/notes` compare equal and neither can be told apart by spelling.
 * Undefined for anything that is not an absolute http(s) URI without user information.
 */
export function normalisedTargetUri(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return undefined;
  const path = url.pathname.replace(/%[0-9A-Fa-f]{2}/g, (escape) => {
    const char = String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * The URI this request was made to, as this service names itself: PUBLIC_ORIGIN when configured,
 * else the request's scheme and Host (Express applies the TRUST_PROXY rules to both: a
 * forwarded scheme or host counts only from a trusted proxy), and the path of the request target
 * as received, before any routing rewrote it. An absolute-form target (`GET http://other/...`)
 * contributes its path only, never its origin.
 */
export function requestTargetUri(req: Request, publicOrigin: string | undefined): string | undefined {
  const target = req.originalUrl;
  const path = target.startsWith('/') ? target.split(/[?#]/, 1)[0]! : pathOfAbsoluteTarget(target);
  if (path === undefined) return undefined;
  const origin = publicOrigin ?? (req.host ? `${req.protocol}://${req.host}` : undefined);
  return origin === undefined ? undefined : normalisedTargetUri(`${origin}${path}`);
}

function pathOfAbsoluteTarget(target: string): string | undefined {
  try {
    return new URL(target).pathname;
  } catch {
    return undefined;
  }
}
