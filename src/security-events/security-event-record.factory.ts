import { randomUUID } from 'node:crypto';
import type { SecurityEventRecord } from './security-event.entity.js';
import type { SecurityEventDetails, SecurityEventType } from './security-events.js';

const MAX_STRING = 200;
const UUID_LIKE = /^[0-9a-f-]{1,36}$/i;

/**
 * Turns a recorded event into its stored row: `ip` and the actor (`actorId`, else `userId`) become
 * columns, the other facts stay in `details`. Strings are cut to 200 characters and undefined
 * values dropped, so one row stays small whatever a client sent (OWASP API4:2023).
 */
export function toSecurityEventRecord(
  type: SecurityEventType,
  details: SecurityEventDetails,
  now = new Date(),
): SecurityEventRecord {
  const { ip, actorId, ...rest } = details;
  const actorKey = typeof actorId === 'string' ? 'actorId' : typeof rest.userId === 'string' ? 'userId' : undefined;
  const actor = actorKey === 'actorId' ? actorId : actorKey === 'userId' ? rest.userId : undefined;
  const kept: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined || (actorKey === 'userId' && key === 'userId')) continue;
    kept[key] = typeof value === 'string' && value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value;
  }
  return {
    id: randomUUID(),
    occurredAt: now,
    type,
    ip: typeof ip === 'string' ? ip.slice(0, 45) : null,
    actorId: typeof actor === 'string' && UUID_LIKE.test(actor) ? actor : null,
    details: kept,
  };
}
