import { Column, Entity, Index } from 'typeorm';
import { TimestampColumn } from '../../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../../database/columns/uuid-primary.column.js';

/** What a one-time token proves when it comes back: control of the account's mailbox, for one purpose. */
export type OneTimeTokenPurpose = 'password_reset' | 'email_verification';

/**
 * A token mailed as a link (password reset, email verification). Only its HMAC under
 * API_KEY_PEPPER is stored (like refresh tokens), so a database dump yields no usable link.
 * At most one live token per user and purpose: issuing a new one deletes the older ones; using
 * one sets `usedAt` in a conditional update, so of two concurrent uses exactly one wins.
 */
@Entity('one_time_tokens')
@Index('ix_one_time_tokens_user_purpose', ['userId', 'purpose'])
export class OneTimeToken {
  @UuidPrimaryColumn()
  id: string;

  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  purpose: OneTimeTokenPurpose;

  @Index('uq_one_time_tokens_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64, name: 'token_hash' })
  tokenHash: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;
}
