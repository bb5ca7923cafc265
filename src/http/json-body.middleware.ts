import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ProblemException } from './problem.exception.js';

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * JSON is the only body format (API.md §1): anything else is a 415 before it is parsed, and
 * the size limit is enforced while reading (413), so oversized or exotic bodies cost nothing
 * (OWASP API4:2023 unrestricted resource consumption). Parser errors become our own problems
 * so their messages (which quote the input) never reach the client.
 */
export function jsonBodyMiddleware(limit: string): RequestHandler {
  const parse = express.json({ limit, strict: true, type: 'application/json' });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) return next();
    if (!req.is('application/json')) {
      return next(new ProblemException(415, { detail: 'Send the request body as application/json.' }));
    }
    parse(req, res, (error?: unknown) => {
      if (error === undefined) return next();
      const status = (error as { status?: number }).status;
      const type = (error as { type?: string }).type;
      if (status === 413) return next(new ProblemException(413, { detail: `The request body exceeds ${limit}.` }));
      if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
        return next(new ProblemException(415, { detail: 'Send the request body as UTF-8 JSON.' }));
      }
      next(new ProblemException(400, { detail: 'The request body is not valid JSON.' }));
    });
  };
}
