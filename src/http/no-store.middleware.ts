import type { NextFunction, Request, Response } from 'express';

/**
 * API responses carry personal data and tokens: no shared or browser cache may keep them
 * (ASVS 14.3.2). The header is set on EVERY response, whatever its path, so no other spelling of
 * a path (`/API/...`, an absolute-form request target, `//api/...`) can come back without it; a
 * route whose answer is public says so itself (`@Header('Cache-Control', ...)` on the JWKS),
 * which replaces this default.
 */
export function noStoreMiddleware(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
}
