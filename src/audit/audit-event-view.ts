import type { ActorType, AuditEvent } from './audit-event.entity.js';

/** An audit event as docs/http-contract.md#audit-events shows it. */
export interface AuditEventView {
  id: string;
  timestamp: string;
  requestId: string;
  correlationId?: string;
  actorType: ActorType;
  actorId: string | null;
  /** External OpenID provider callers only: the token's issuer and subject. */
  actorIssuer?: string;
  actorSubject?: string;
  ip: string | null;
  method: string;
  route: string;
  status: number;
  durationMs: number;
  action?: string;
  resourceId?: string;
  payload?: unknown;
}

export function toAuditEventView(event: AuditEvent): AuditEventView {
  return {
    id: event.id,
    timestamp: event.timestamp.toISOString(),
    requestId: event.requestId,
    ...(event.correlationId === null ? {} : { correlationId: event.correlationId }),
    actorType: event.actorType,
    actorId: event.actorId,
    ...(event.actorIssuer === null ? {} : { actorIssuer: event.actorIssuer }),
    ...(event.actorSubject === null ? {} : { actorSubject: event.actorSubject }),
    ip: event.ip,
    method: event.method,
    route: event.route,
    status: event.status,
    durationMs: event.durationMs,
    ...(event.action === null ? {} : { action: event.action }),
    ...(event.resourceId === null ? {} : { resourceId: event.resourceId }),
    ...(event.payload === null ? {} : { payload: JSON.parse(event.payload) as unknown }),
  };
}
