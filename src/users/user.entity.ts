import { Column, Entity, Index } from 'typeorm';
import type { Role } from '../access/access.decorators.js';
import { BlindIndexColumn } from '../crypto/blind-index.column.js';
import { EncryptedColumn } from '../crypto/encrypted-column.decorator.js';
import { TimestampColumn } from '../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../database/columns/uuid-primary.column.js';

/**
 * An account. The email is personal data: stored encrypted, found and kept unique through its
 * blind index (docs/data-protection.md). The password is only ever an argon2id hash.
 */
@Entity('users')
export class User {
  @UuidPrimaryColumn()
  id: string;

  @EncryptedColumn()
  email: string;

  @Index('uq_users_email_hash', { unique: true })
  @BlindIndexColumn({ name: 'email_hash' })
  emailHash: string;

  @Column({ type: 'varchar', length: 100, name: 'display_name' })
  displayName: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'boolean' })
  disabled: boolean;

  @Column({ type: 'varchar', length: 255, name: 'password_hash' })
  passwordHash: string;

  /** Carried in every access token as `tv`; bumping it revokes all of the user's tokens at once. */
  @Column({ type: 'integer', name: 'token_version' })
  tokenVersion: number;

  /** When the account proved control of its email (a verification or reset link); null until then. */
  @TimestampColumn({ name: 'email_verified_at', nullable: true })
  emailVerifiedAt: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt: Date;
}
