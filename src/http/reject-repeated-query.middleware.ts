import type { NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem.exception.js';

/**
 * A repeated query parameter (`?limit=10&limit=1000`) is refused: HTTP parameter pollution
 * lets a proxy and the app disagree on which value counts (docs/http-contract.md#limits, ASVS 1.2 / OWASP API8).
 */
export function rejectRepeatedQueryMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const repeated = Object.entries(req.query)
    .filter(([, value]) => typeof value !== 'string')
    .map(([field]) => ({ field, message: `${field} must appear at most once` }));
  if (repeated.length > 0) {
    return next(new ProblemException(400, { detail: 'A query parameter was repeated.', errors: repeated }));
  }
  next();
}
