import { Column, Entity, Index } from 'typeorm';
import { TimestampColumn } from '../../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../../database/columns/uuid-primary.column.js';

/**
 * The pending second step of one login (the `mfaToken` handed out after a right password): only
 * its HMAC is stored; it is bound to the user and to their token version at the password check
 * (a password change or disabling in between kills it), lives at most MFA_TOKEN_TTL_SECONDS and
 * is spent once, by a conditional update that one request wins on however many instances.
 */
@Entity('mfa_challenges')
export class MfaChallenge {
  @UuidPrimaryColumn()
  id: string;

  @Index('ix_mfa_challenges_user_id')
  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Index('uq_mfa_challenges_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64, name: 'token_hash' })
  tokenHash: string;

  @Column({ type: 'integer', name: 'token_version' })
  tokenVersion: number;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;
}
