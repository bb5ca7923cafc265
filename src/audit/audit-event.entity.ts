import { Column, Entity, Index } from 'typeorm';
import { TimestampColumn } from '../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../database/columns/uuid-primary.column.js';

export type ActorType = 'user' | 'apiKey' | 'externalUser' | 'client' | 'anonymous';

/**
 * One request, served or refused (docs/http-contract.md#audit-events). Append-only and hash-chained: `hash` is SHA-256 over
 * the previous event's hash and this event's canonical content (src/audit/audit-chain.ts), in
 * `seq` order. The application never updates or deletes a row; database triggers refuse it too.
 */
@Entity('audit_events')
export class AuditEvent {
  @UuidPrimaryColumn()
  id: string;

  /** Position in the chain: 1, 2, 3… without gaps. */
  @Index('uq_audit_events_seq', { unique: true })
  @Column({ type: 'integer' })
  seq: number;

  @Index('ix_audit_events_timestamp')
  @TimestampColumn()
  timestamp: Date;

  @Index('ix_audit_events_request_id')
  @Column({ type: 'varchar', length: 128, name: 'request_id' })
  requestId: string;

  /** The client's own `X-Request-Id`, when it sent a valid one: not unique, the client chose it. */
  @Index('ix_audit_events_correlation_id')
  @Column({ type: 'varchar', length: 128, name: 'correlation_id', nullable: true })
  correlationId: string | null;

  @Column({ type: 'varchar', length: 16, name: 'actor_type' })
  actorType: ActorType;

  @Index('ix_audit_events_actor_id')
  @Column({ type: 'varchar', length: 36, name: 'actor_id', nullable: true })
  actorId: string | null;

  /** For a caller from the external OpenID provider: its token's `iss` and `sub` (actorId is the local account). */
  @Column({ type: 'varchar', length: 512, name: 'actor_issuer', nullable: true })
  actorIssuer: string | null;

  @Column({ type: 'varchar', length: 255, name: 'actor_subject', nullable: true })
  actorSubject: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 16 })
  method: string;

  @Column({ type: 'varchar', length: 512 })
  route: string;

  @Column({ type: 'integer' })
  status: number;

  @Column({ type: 'integer', name: 'duration_ms' })
  durationMs: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  action: string | null;

  @Column({ type: 'varchar', length: 64, name: 'resource_id', nullable: true })
  resourceId: string | null;

  /** Redacted JSON summary of the query and body (never secrets or encrypted fields). */
  @Column({ type: 'text', nullable: true })
  payload: string | null;

  @Column({ type: 'varchar', length: 64, name: 'previous_hash' })
  previousHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}
