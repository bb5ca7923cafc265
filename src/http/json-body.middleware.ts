import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ProblemException } from './problem.exception.js';

/** Requests that sent at least one body byte: read by the no-body check (src/http/reject-unexpected-body.interceptor.ts). */
const carriedBody = new WeakSet<Request>();

export function sentBody(req: Request): boolean {
  return carriedBody.has(req);
}

class BodyEncodingError extends Error {
  constructor(readonly status: 400 | 415) {
    super('body encoding');
  }
}

/**
 * JSON travels as UTF-8 (RFC 8259 §8.1), and only as valid UTF-8: the parser would otherwise
 * replace invalid bytes with U+FFFD (or decode another charset) and store something other than
 * what was sent.
 */
function verifyUtf8(req: Request, _res: Response, buffer: Buffer, encoding: string): void {
  if (buffer.length > 0) carriedBody.add(req);
  if (encoding.toLowerCase() !== 'utf-8') throw new BodyEncodingError(415);
  if (!isUtf8(buffer)) throw new BodyEncodingError(400);
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * JSON is the only body format (docs/http-contract.md#limits): anything else is a 415 before it is parsed, and
 * the size limit is enforced while reading (413), so oversized or exotic bodies cost nothing
 * (OWASP API4:2023 unrestricted resource consumption). Parser errors become our own problems
 * so their messages (which quote the input) never reach the client.
 */
export function jsonBodyMiddleware(limit: string): RequestHandler {
  const parse = express.json({ limit, strict: true, type: 'application/json', verify: verifyUtf8 });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) return next();
    if (!req.is('application/json')) {
      return next(new ProblemException(415, { detail: 'Send the request body as application/json.' }));
    }
    parse(req, res, (error?: unknown) => {
      if (error === undefined) return next();
      if (error instanceof BodyEncodingError && error.status === 400) {
        return next(new ProblemException(400, { detail: 'The request body is not valid UTF-8.' }));
      }
      if (error instanceof BodyEncodingError) {
        return next(new ProblemException(415, { detail: 'Send the request body as UTF-8 JSON.' }));
      }
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
