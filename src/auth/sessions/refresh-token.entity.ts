import { Column, Entity, Index } from 'typeorm';
import { TimestampColumn } from '../../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../../database/columns/uuid-primary.column.js';

/**
 * One refresh token of a session. Only its HMAC under API_KEY_PEPPER is stored, so a database
 * dump yields no usable token (ASVS 7.2). `usedAt` marks a rotated token: presenting it again is
 * reuse, and revokes the family.
 */
@Entity('refresh_tokens')
export class RefreshToken {
  @UuidPrimaryColumn()
  id: string;

  @Index('ix_refresh_tokens_session_id')
  @Column({ type: 'varchar', length: 36, name: 'session_id' })
  sessionId: string;

  @Index('uq_refresh_tokens_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64, name: 'token_hash' })
  tokenHash: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;
}
