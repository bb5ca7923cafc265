import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** A caller-supplied id is kept only if it is short and plain, so it cannot inject into logs. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const REQUEST_ID = Symbol('requestId');
const CORRELATION_ID = Symbol('correlationId');
const STARTED_AT = Symbol('startedAt');

type WithRequestId = Request & { [REQUEST_ID]?: string; [CORRELATION_ID]?: string; [STARTED_AT]?: bigint };

/**
 * Correlates a response, its log lines and its audit event (ASVS 16.2.1). The request id is
 * always generated here, so it is unique per request: a client that sends another request's id
 * cannot make two audit events share one. What the client sent in `X-Request-Id` (if short and
 * plain) is kept as the correlation id, recorded beside it and echoed in `X-Correlation-Id`, so
 * a client can still find its own requests (docs/audit.md, "What is recorded").
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = randomUUID();
  (req as WithRequestId)[REQUEST_ID] = id;
  (req as WithRequestId)[STARTED_AT] = process.hrtime.bigint();
  res.setHeader('X-Request-Id', id);
  if (typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming)) {
    (req as WithRequestId)[CORRELATION_ID] = incoming;
    res.setHeader('X-Correlation-Id', incoming);
  }
  next();
}

export function requestIdOf(req: Request): string {
  return (req as WithRequestId)[REQUEST_ID] ?? 'unknown';
}

/** The client's own `X-Request-Id`, when it sent a valid one. */
export function correlationIdOf(req: Request): string | undefined {
  return (req as WithRequestId)[CORRELATION_ID];
}

/** Milliseconds since the request entered the pipeline (for the audit event's durationMs). */
export function elapsedMs(req: Request): number {
  const started = (req as WithRequestId)[STARTED_AT];
  return started === undefined ? 0 : Number((process.hrtime.bigint() - started) / 1_000_000n);
}
