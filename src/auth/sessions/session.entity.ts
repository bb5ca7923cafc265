import { Column, Entity, Index } from 'typeorm';
import { EncryptedColumn } from '../../crypto/encrypted-column.decorator.js';
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

  /**
   * Login time plus SESSION_ABSOLUTE_TTL: no refresh is accepted after it, and no refresh or
   * access token of the session expires later (session-lifetime.ts).
   */
  @TimestampColumn({ name: 'absolute_expires_at' })
  absoluteExpiresAt: Date;

  /**
   * The last login or refresh; access-token use is not recorded (a write per request would
   * cost the hot path; docs/account-lifecycle.md#sessions), so this lags by at most JWT_ACCESS_TTL.
   */
  @TimestampColumn({ name: 'last_used_at' })
  lastUsedAt: Date;

  /** Client address at the last login or refresh: personal data, encrypted (docs/data-protection.md). */
  @EncryptedColumn({ name: 'last_ip', nullable: true })
  lastIp: string | null;

  /** User-Agent at the last login or refresh, bounded and escaped (session-activity.ts); encrypted. */
  @EncryptedColumn({ name: 'last_user_agent', nullable: true })
  lastUserAgent: string | null;

  /**
   * How the user last authenticated in this session (RFC 8176 `amr` values, space-separated) and
   * when: every access token of the session carries them, also after a refresh, and
   * re-authentication moves them (session-authentication.ts). NULL on sessions older than MFA.
   */
  @Column({ type: 'varchar', length: 32, nullable: true })
  amr?: string | null;

  @TimestampColumn({ name: 'auth_time', nullable: true })
  authTime?: Date | null;
}
