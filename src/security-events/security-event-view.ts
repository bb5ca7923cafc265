import { ApiProperty, ApiPropertyOptional } from '../http/openapi-declarations.js';
import { PageOf } from '../common/page.view.js';
import type { SecurityEventRecord } from './security-event.entity.js';

/** docs/http-contract.md#security-events: `{ id, timestamp, type, ip, actorId?, details }`. */
export class SecurityEventView {
  @ApiProperty({ format: 'uuid' })
  readonly id: string;
  @ApiProperty({ format: 'date-time' })
  readonly timestamp: string;
  @ApiProperty({ example: 'client_blocked' })
  readonly type: string;
  @ApiProperty({ type: 'string', nullable: true })
  readonly ip: string | null;
  @ApiPropertyOptional()
  readonly actorId?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    description: 'Facts of the event: counts, statuses, routes; never a credential.',
  })
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

/** One page of security events. */
export class SecurityEventPage extends PageOf(SecurityEventView) {}

/** Built field by field: nothing but these fields ever leaves (OWASP API3:2023). */
export function toSecurityEventView(record: SecurityEventRecord): SecurityEventView {
  return {
    id: record.id,
    timestamp: record.occurredAt.toISOString(),
    type: record.type,
    ip: record.ip,
    ...(record.actorId === null ? {} : { actorId: record.actorId }),
    details: record.details,
  };
}
