import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** A caller-supplied id is kept only if it is short and plain, so it cannot inject into logs. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const REQUEST_ID = Symbol('requestId');
const STARTED_AT = Symbol('startedAt');

type WithRequestId = Request & { [REQUEST_ID]?: string; [STARTED_AT]?: bigint };

/** Correlates a response, its log lines and its audit event (ASVS 16.2.1). */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  (req as WithRequestId)[REQUEST_ID] = id;
  (req as WithRequestId)[STARTED_AT] = process.hrtime.bigint();
  res.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(req: Request): string {
  return (req as WithRequestId)[REQUEST_ID] ?? 'unknown';
}

/** Milliseconds since the request entered the pipeline (for the audit event's durationMs). */
export function elapsedMs(req: Request): number {
  const started = (req as WithRequestId)[STARTED_AT];
  return started === undefined ? 0 : Number((process.hrtime.bigint() - started) / 1_000_000n);
}
