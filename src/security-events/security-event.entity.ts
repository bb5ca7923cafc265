import { Column, Entity, Index } from 'typeorm';
import { TimestampColumn } from '../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../database/columns/uuid-primary.column.js';

/** A detected attack or anomaly (docs/http-contract.md#security-events), kept for auditors; portable column types only. */
@Entity('security_events')
export class SecurityEventRecord {
  @UuidPrimaryColumn()
  id: string;

  @Index('ix_security_events_occurred_at')
  @TimestampColumn({ name: 'occurred_at' })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 40 })
  type: string;

  /** Client address as Express saw it (45 chars fits any IPv6 text form). */
  @Column({ type: 'varchar', length: 45, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 36, name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column({ type: 'simple-json' })
  details: Record<string, string | number | boolean | null>;
}
