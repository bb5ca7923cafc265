import { Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns/timestamp.column.js';

/** A grant of read access on one note to one user. */
@Entity('note_shares')
@Index('ix_note_shares_user_id', ['userId'])
export class NoteShare {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'note_id' })
  noteId: string;

  @PrimaryColumn({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;
}
