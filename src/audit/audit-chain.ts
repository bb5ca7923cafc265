import { createHash } from 'node:crypto';
import type { AuditEvent } from './audit-event.entity.js';

/** The chain starts from this value: the "previous hash" of event 1. */
export const GENESIS_HASH = '0'.repeat(64);

export type ChainedContent = Omit<AuditEvent, 'previousHash' | 'hash'>;

/**
 * Canonical content of an event: a JSON array in a fixed field order, times as ISO-8601 text.
 * An array (not an object) has exactly one serialisation, so the hash is reproducible by any
 * verifier, in any language (docs/audit.md, "Chain format"). The correlation id came later: it is
 * appended only when present, so events written before it existed keep their hash. The external
 * caller's issuer and subject came after it: when present they follow it (null when absent).
 */
export function canonicalContent(event: ChainedContent): string {
  const fields: unknown[] = [
    event.id,
    event.seq,
    event.timestamp.toISOString(),
    event.requestId,
    event.actorType,
    event.actorId,
    event.ip,
    event.method,
    event.route,
    event.status,
    event.durationMs,
    event.action,
    event.resourceId,
    event.payload,
  ];
  const external = event.actorIssuer !== null && event.actorIssuer !== undefined;
  if ((event.correlationId !== null && event.correlationId !== undefined) || external) fields.push(event.correlationId ?? null);
  if (external) fields.push(event.actorIssuer, event.actorSubject ?? null);
  return JSON.stringify(fields);
}

/** hash_n = SHA-256(hash_{n-1} || "\n" || canonical_n), hex (ASVS 16.4.3 tamper evidence). */
export function chainHash(previousHash: string, event: ChainedContent): string {
  return createHash('sha256').update(previousHash).update('\n').update(canonicalContent(event)).digest('hex');
}
