import { Column, Entity, Index } from 'typeorm';
import { TimestampColumn } from '../../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../../database/columns/uuid-primary.column.js';

/** A login: the family of refresh tokens that descend from it (RFC 9700 §4.14 rotation). */
@Entity('sessions')
export class Session {
  @UuidPrimaryColumn()
  id: string;

  @Index('ix_sessions_user_id')
  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  /**
   * The user's token version when the session started. A refresh is refused once the user's
   * version moved past it (password change, role change, disabling, admin takeover), so a login
   * that raced one of those cannot outlive it.
   */
  @Column({ type: 'integer', name: 'token_version', default: 0 })
  tokenVersion: number;

  /**
   * DPoP (RFC 9449 §5): the thumbprint of the key the session's tokens are bound to, or null for
   * a Bearer session. A refresh must carry a proof signed by this key (src/dpop/).
   */
  @Column({ type: 'varchar', length: 43, name: 'dpop_jkt', nullable: true })
  dpopJkt: string | null;

  /** Set by logout, refresh-token reuse, change-password or disabling: the whole family is dead. */
  @Index('ix_sessions_revoked_at')
  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
