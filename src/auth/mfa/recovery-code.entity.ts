import { Column, Entity, Index } from 'typeorm';
import { TimestampColumn } from '../../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../../database/columns/uuid-primary.column.js';

/**
 * One recovery code (a lookup secret, ASVS 6.5): shown once at enrolment, stored only as its HMAC
 * under API_KEY_PEPPER (codes carry 120 random bits, so a keyed fast hash is enough, ASVS 6.5.2),
 * spent by setting `usedAt` with a conditional update (single use, ASVS 6.5.1).
 */
@Entity('mfa_recovery_codes')
export class RecoveryCode {
  @UuidPrimaryColumn()
  id: string;

  @Index('ix_mfa_recovery_codes_user_id')
  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Index('uq_mfa_recovery_codes_code_hash', { unique: true })
  @Column({ type: 'varchar', length: 64, name: 'code_hash' })
  codeHash: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;
}
