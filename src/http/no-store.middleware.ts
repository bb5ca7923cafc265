import type { NextFunction, Request, Response } from 'express';

/** API responses carry personal data and tokens: no shared or browser cache may keep them (ASVS 14.3.2). */
export function noStoreMiddleware(req: Request, res: Response, next: NextFunction): void {
  if (req.path === '/api' || req.path.startsWith('/api/')) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
  }
  next();
}
