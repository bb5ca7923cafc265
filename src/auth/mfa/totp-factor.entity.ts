import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EncryptedColumn } from '../../crypto/encrypted-column.decorator.js';
import { TimestampColumn } from '../../database/columns/timestamp.column.js';

/**
 * A user's TOTP factor (RFC 6238), at most one per user. Until `confirmedAt` is set it is only a
 * pending enrolment and plays no part in logging in. The shared secret is stored encrypted
 * (docs/data-protection.md): a database dump or an SQL injection yields no usable seed.
 */
@Entity('mfa_totp_factors')
export class TotpFactor {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  /** Base32 secret (what the user's authenticator app holds). */
  @EncryptedColumn()
  secret: string;

  @TimestampColumn({ name: 'confirmed_at', nullable: true })
  confirmedAt: Date | null;

  /**
   * The last time step whose code was accepted: a code of this step or an earlier one is refused
   * (RFC 6238 §5.2). Kept in the database and moved with a conditional update, so a code is
   * accepted once across every instance.
   */
  @Column({ type: 'integer', name: 'last_used_step', nullable: true })
  lastUsedStep: number | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;
}
