import { Column, Entity, Index } from 'typeorm';
import { EncryptedColumn } from '../crypto/encrypted-column.decorator.js';
import { TimestampColumn } from '../database/columns/timestamp.column.js';
import { UuidPrimaryColumn } from '../database/columns/uuid-primary.column.js';

/** The example owned resource (docs/http-contract.md#notes). The body is encrypted at rest; the title is not. */
@Entity('notes')
export class Note {
  @UuidPrimaryColumn()
  id: string;

  @Index('ix_notes_owner_id')
  @Column({ type: 'varchar', length: 36, name: 'owner_id' })
  ownerId: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @EncryptedColumn()
  body: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt: Date;
}
