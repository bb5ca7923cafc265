import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * helmet's defaults (CSP, nosniff, frame-ancestors, referrer policy…) on every response.
 * HSTS only when this process serves TLS itself: over plain HTTP the header is meaningless and
 * a TLS-terminating proxy should set it (ASVS 12.1 / OWASP API8:2023).
 */
export function securityHeaders(servesTls: boolean): RequestHandler {
  return helmet({
    hsts: servesTls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
}
