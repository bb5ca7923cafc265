import { Column, Entity, Index } from 'typeorm';
import type { Scope } from '../access/access.decorators.js';
import { TimestampColumn } from '../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../database/columns/uuid-primary.column.js';

/**
 * A machine client's key. Only HMACs of its secret are stored (a stolen table yields no usable
 * key); the public id, which is part of the key, finds the row through a unique index.
 */
@Entity('api_keys')
export class ApiKey {
  @UuidPrimaryColumn()
  id: string;

  @Index('ix_api_keys_user_id')
  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Index('uq_api_keys_public_id', { unique: true })
  @Column({ type: 'varchar', length: 32, name: 'public_id' })
  publicId: string;

  @Column({ type: 'varchar', length: 64, name: 'secret_hash' })
  secretHash: string;

  /** The secret replaced by the last rotation, accepted until previousSecretExpiresAt (grace period). */
  @Column({ type: 'varchar', length: 64, name: 'previous_secret_hash', nullable: true })
  previousSecretHash: string | null;

  @TimestampColumn({ name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ type: 'simple-json' })
  scopes: Scope[];

  @Column({ type: 'simple-json', name: 'allowed_ips' })
  allowedIps: string[];

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'varchar', length: 45, name: 'last_used_ip', nullable: true })
  lastUsedIp: string | null;

  @Column({ type: 'integer', name: 'use_count' })
  useCount: number;

  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
