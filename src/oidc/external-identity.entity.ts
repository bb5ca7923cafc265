import { Column, Entity, Index } from 'typeorm';
import { TimestampColumn } from '../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../database/columns/uuid-primary.column.js';

/** Whether the provider account is a person (authorization code) or a machine client (client credentials). */
export type ExternalIdentityKind = 'user' | 'client';

/**
 * Links a local user to one account of the external OpenID provider. The key is (issuer, subject):
 * the only pair OpenID Connect guarantees stable and unique (Core §5.7); an email is mutable and may
 * be unverified, so two providers' accounts sharing an email stay two users (docs/oauth-oidc.md).
 */
@Entity('external_identities')
@Index('uq_external_identities_issuer_subject', ['issuer', 'subject'], { unique: true })
export class ExternalIdentity {
  @UuidPrimaryColumn()
  id: string;

  @Column({ type: 'varchar', length: 512 })
  issuer: string;

  @Column({ type: 'varchar', length: 255 })
  subject: string;

  @Index('uq_external_identities_user_id', { unique: true })
  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Column({ type: 'varchar', length: 8 })
  kind: ExternalIdentityKind;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;
}
