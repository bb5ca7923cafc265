import type { SecurityEventRecord } from './security-event.entity.js';

/** docs/http-contract.md#security-events: `{ id, timestamp, type, ip, actorId?, details }`. */
export interface SecurityEventView {
  readonly id: string;
  readonly timestamp: string;
  readonly type: string;
  readonly ip: string | null;
  readonly actorId?: string;
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

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
