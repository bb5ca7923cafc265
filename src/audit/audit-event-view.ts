import { ApiProperty, ApiPropertyOptional } from '../http/openapi-declarations.js';
import { PageOf } from '../common/page.view.js';
import type { ActorType, AuditEvent } from './audit-event.entity.js';

const ACTOR_TYPES: readonly ActorType[] = ['user', 'apiKey', 'externalUser', 'client', 'anonymous'];

/** An audit event as docs/http-contract.md#audit-events shows it. */
export class AuditEventView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'date-time' })
  timestamp: string;
  @ApiProperty({ format: 'uuid' })
  requestId: string;
  @ApiPropertyOptional({ description: "The client's own X-Request-Id, when it sent a valid one." })
  correlationId?: string;
  @ApiProperty({ enum: ACTOR_TYPES, enumName: 'ActorType' })
  actorType: ActorType;
  @ApiProperty({ type: 'string', nullable: true, description: 'The user or API key id; null for anonymous requests.' })
  actorId: string | null;
  /** External OpenID provider callers only: the token's issuer and subject. */
  @ApiPropertyOptional({ description: "External OpenID provider callers only: the token's issuer (`iss`)." })
  actorIssuer?: string;
  @ApiPropertyOptional({ description: "External OpenID provider callers only: the token's subject (`sub`)." })
  actorSubject?: string;
  @ApiProperty({ type: 'string', nullable: true })
  ip: string | null;
  @ApiProperty({ example: 'PATCH' })
  method: string;
  @ApiProperty({ description: 'The route template, or the path when no route matched.', example: '/api/v1/notes/:id' })
  route: string;
  @ApiProperty({ type: 'integer' })
  status: number;
  @ApiProperty({ type: 'number', minimum: 0 })
  durationMs: number;
  @ApiPropertyOptional({ example: 'note.update' })
  action?: string;
  @ApiPropertyOptional()
  resourceId?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The query and body as summarised for the audit, credentials and personal fields redacted (docs/audit.md).',
  })
  payload?: unknown;
}

/** One page of audit events. */
export class AuditEventPage extends PageOf(AuditEventView) {}

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
