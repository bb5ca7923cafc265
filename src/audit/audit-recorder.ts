import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { isAuditOptOut, routeAuditFor } from '../access/audited.decorator.js';
import { principalOf } from '../access/principal.js';
import type { AuditTrail } from '../http/audit-trail.js';
import type { UnitOfWork } from '../database/request-transaction.js';
import { ProblemException } from '../http/problem.exception.js';
import { correlationIdOf, elapsedMs, requestIdOf } from '../http/request-id.middleware.js';
import type { ActorType } from './audit-event.entity.js';
import { auditFailureReason } from './audit-failure.js';
import { AuditStore, type NewAuditEvent } from './audit-store.js';
import { auditSubjectOf } from './audit-subject.js';
import { redactCredentials, safeText, uuidOrNull } from './audit-text.js';
import { AuditWriter } from './audit-writer.js';
import { summarisePayload } from './payload-summary.js';
import { UnitAbortedError } from '../database/request-transaction.js';

const RECORDED = Symbol('auditRecorded');
const UNIT = Symbol('auditUnitOfWork');
type AuditedRequest = Request & { [RECORDED]?: true; [UNIT]?: UnitOfWork };

/** The matched route's template (`/api/v1/notes/:id`), or undefined when no real route matched. */
function templateOf(req: Request): string | undefined {
  const template = (req.route as { path?: unknown } | undefined)?.path;
  // Nest's not-found handler is a wildcard route: its "template" says nothing, the path does.
  return typeof template === 'string' && !template.includes('*') ? template : undefined;
}

/**
 * A route declared @NotAudited (the health probes) is left out of the trail for its own answers
 * (success, or a server-side failure such as a not-ready 503): they carry no actor or data. A
 * request refused as a client error (4xx) is recorded like any other, since probing goes on the
 * record; so is anything that matched no route (an unknown path or another spelling: 404).
 */
function excluded(req: Request, status: number): boolean {
  return isAuditOptOut(routeAuditFor(req)) && (status < 400 || status >= 500);
}

/** The route template when a route matched, else the bare path (no query), credentials redacted. */
function routeOf(req: Request): string {
  return safeText(redactCredentials(templateOf(req) ?? req.path), 512);
}

/**
 * JSON.stringify already escapes C0 controls and lone surrogates; C1 controls (U+0080–U+009F)
 * it leaves raw. Escaping them as `\u0085` keeps the text valid JSON for the same value.
 */
function safePayload(summary: string | null): string | null {
  return summary === null ? null : safeText(summary, Number.MAX_SAFE_INTEGER);
}

/** The unit of work a state-changing request runs in (src/database/request-transaction.ts). */
export function attachUnitOfWork(req: Request, unit: UnitOfWork): void {
  (req as AuditedRequest)[UNIT] = unit;
}

/**
 * The one recorder behind "exactly one audit event per request" (docs/http-contract.md#audit-events), bound to the
 * HTTP layer's AuditTrail port (src/http/audit-trail.ts). It is fed from two places: the audit
 * interceptor for requests a handler served, and the problem-details filter for everything
 * refused or failed (guards run before interceptors, so refusals never reach the interceptor). A mark on the request makes the second call a no-op, so no request is recorded
 * twice; every response path goes through one of the two, so none is missed.
 *
 * A request that changed something (its unit of work began) has its event inserted in its own
 * transaction, which then commits: change and event are durable together or not at all. Any
 * other request's event goes through the group commit.
 */
@Injectable()
export class AuditRecorder implements AuditTrail {
  constructor(
    private readonly writer: AuditWriter,
    private readonly store: AuditStore,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('AuditRecorder');
  }

  async record(req: Request, status: number, resourceIdFromResponse?: string): Promise<void> {
    const request = req as AuditedRequest;
    if (request[RECORDED]) return;
    const unit = request[UNIT];
    if (excluded(req, status)) {
      await unit?.abandon();
      return;
    }
    request[RECORDED] = true;
    const event = this.eventOf(request, status, resourceIdFromResponse);
    const ownTransaction = unit?.began === true;
    try {
      if (ownTransaction) {
        try {
          await unit.commitWith(async (manager) => {
            await this.store.appendWithin(manager, event);
          });
        } catch (error) {
          // A statement of the request failed inside its transaction (on PostgreSQL that aborts
          // it, e.g. a unique violation the service turned into a 409): nothing of the request was
          // kept. A refusal is then true as answered and its event is written on its own; a
          // success is not (its change was lost), so that request falls through to the 503.
          if (!(error instanceof UnitAbortedError) || status < 400) throw error;
          await this.writer.append(event);
        }
      } else {
        unit?.close();
        await this.writer.append(event);
      }
    } catch (error) {
      // The group commit logs its own failures; a request's own transaction is logged here.
      if (ownTransaction) {
        this.logger.error(
          { requestId: event.requestId, reason: auditFailureReason(error) },
          'audit event could not be written: the request is refused (503) and its change rolled back',
        );
      }
      // No evidence, no answer: the client gets a 503 instead of a response we cannot account for.
      // Retry-After: the usual cause is a database that is down or slow (docs/operations.md).
      throw new ProblemException(503, {
        detail: 'The service cannot record this request right now; retry later.',
        headers: { 'Retry-After': '5' },
      });
    }
  }

  private eventOf(req: AuditedRequest, status: number, resourceIdFromResponse: string | undefined): NewAuditEvent {
    const principal = principalOf(req);
    const audit = routeAuditFor(req);
    const declaration = audit === undefined || isAuditOptOut(audit) ? undefined : audit;
    const actorType: ActorType = principal ? principal.kind : 'anonymous';
    const resource = declaration?.resource ?? { param: 'id' };
    const resourceId =
      auditSubjectOf(req) ??
      (resource === 'response' ? resourceIdFromResponse : (req.params as Record<string, unknown> | undefined)?.[resource.param]);
    return {
      timestamp: new Date(),
      requestId: requestIdOf(req),
      correlationId: correlationIdOf(req) ?? null,
      actorType,
      actorId: principal ? (principal.kind === 'apiKey' ? principal.keyId : principal.userId) : null,
      // Who the provider says the caller is: the local account is ours, the (iss, sub) pair is the provider's.
      actorIssuer: principal && 'issuer' in principal ? safeText(principal.issuer, 512) : null,
      actorSubject: principal && 'subject' in principal ? safeText(principal.subject, 255) : null,
      ip: req.ip === undefined ? null : safeText(req.ip, 45),
      method: safeText(req.method, 16),
      route: routeOf(req),
      status,
      durationMs: elapsedMs(req),
      action: declaration?.action ?? null,
      // Only one of our ids: whatever else a client put in a path parameter is not stored (null).
      resourceId: uuidOrNull(resourceId),
      payload: safePayload(summarisePayload(req.query, req.body)),
    };
  }
}
