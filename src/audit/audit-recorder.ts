import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf } from '../auth/access/principal.js';
import { ProblemException } from '../http/problem.exception.js';
import { elapsedMs, requestIdOf } from '../http/request-id.middleware.js';
import type { ActorType } from './audit-event.entity.js';
import { AuditWriter } from './audit-writer.js';
import { summarisePayload } from './payload-summary.js';
import type { AuditDeclaration } from './audited.decorator.js';

const RECORDED = Symbol('auditRecorded');
const DECLARATION = Symbol('auditDeclaration');
type AuditedRequest = Request & { [RECORDED]?: true; [DECLARATION]?: AuditDeclaration };

/** Health probes are left out of the trail (API.md §6 allows it): they carry no actor or data. */
function excluded(req: Request): boolean {
  return req.path.startsWith('/health/');
}

/** The route template (`/api/v1/notes/:id`) when a route matched, else the bare path (no query). */
function routeOf(req: Request): string {
  const template = (req.route as { path?: unknown } | undefined)?.path;
  // Nest's not-found handler is a wildcard route: its "template" says nothing, the path does.
  const useful = typeof template === 'string' && !template.includes('*');
  return (useful ? template : req.path).slice(0, 512);
}

/** Lets guards pass the matched handler's declaration along, so refusals carry the action too. */
export function rememberAuditDeclaration(req: Request, declaration: AuditDeclaration | undefined): void {
  if (declaration) (req as AuditedRequest)[DECLARATION] = declaration;
}

/**
 * The one recorder behind "exactly one audit event per request" (API.md §6). It is fed from two
 * places: the audit interceptor for requests a handler served, and the problem-details filter
 * for everything refused or failed (guards run before interceptors, so refusals never reach the
 * interceptor). A mark on the request makes the second call a no-op, so no request is recorded
 * twice; every response path goes through one of the two, so none is missed.
 */
@Injectable()
export class AuditRecorder {
  constructor(private readonly writer: AuditWriter) {}

  async record(req: Request, status: number, resourceIdFromResponse?: string): Promise<void> {
    const request = req as AuditedRequest;
    if (request[RECORDED] || excluded(req)) return;
    request[RECORDED] = true;
    const principal = principalOf(req);
    const declaration = request[DECLARATION];
    const actorType: ActorType = principal ? principal.kind : 'anonymous';
    const resource = declaration?.resource ?? { param: 'id' };
    const resourceId =
      resource === 'response' ? resourceIdFromResponse : (req.params as Record<string, string | undefined>)[resource.param];
    const committed = this.writer.append({
      timestamp: new Date(),
      requestId: requestIdOf(req),
      actorType,
      actorId: principal ? (principal.kind === 'apiKey' ? principal.keyId : principal.userId) : null,
      ip: req.ip ?? null,
      method: req.method,
      route: routeOf(req),
      status,
      durationMs: elapsedMs(req),
      action: declaration?.action ?? null,
      resourceId: typeof resourceId === 'string' ? resourceId.slice(0, 64) : null,
      payload: summarisePayload(req.query, req.body),
    });
    try {
      await committed;
    } catch {
      // No evidence, no answer: the client gets a 503 instead of a response we cannot account for.
      throw new ProblemException(503, { detail: 'The service cannot record this request right now; retry later.' });
    }
  }
}
