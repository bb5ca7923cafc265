import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { NoteShare } from './note-share.entity.js';
import type { NoteScope } from './note.policy.js';
import { Note } from './note.entity.js';

/** Note queries, always filtered by a policy scope (DESIGN §2.3: authorization lives in the data path). */
@Injectable()
export class NotesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private scoped(scope: NoteScope): SelectQueryBuilder<Note> {
    const query = this.dataSource.getRepository(Note).createQueryBuilder('note');
    if (scope.kind === 'owned') query.where('note.ownerId = :userId', { userId: scope.userId });
    if (scope.kind === 'readable') {
      query.where(
        '(note.ownerId = :userId OR EXISTS (SELECT 1 FROM note_shares share WHERE share.note_id = note.id AND share.user_id = :userId))',
        { userId: scope.userId },
      );
    }
    return query;
  }

  findOne(id: string, scope: NoteScope): Promise<Note | null> {
    return this.scoped(scope).andWhere('note.id = :id', { id }).getOne();
  }

  findPage(scope: NoteScope, page: number, limit: number): Promise<[Note[], number]> {
    return this.scoped(scope)
      .orderBy('note.createdAt', 'DESC')
      .addOrderBy('note.id', 'ASC')
      .skip((page - 1) * limit)
      .take(limit)
      .getManyAndCount();
  }

  async sharesOf(noteIds: readonly string[]): Promise<Map<string, string[]>> {
    const byNote = new Map<string, string[]>(noteIds.map((id) => [id, []]));
    if (noteIds.length === 0) return byNote;
    const shares = await this.dataSource
      .getRepository(NoteShare)
      .find({ where: { noteId: In([...noteIds]) }, order: { createdAt: 'ASC' } });
    for (const share of shares) byNote.get(share.noteId)?.push(share.userId);
    return byNote;
  }

  save(note: Note): Promise<Note> {
    return this.dataSource.getRepository(Note).save(note);
  }

  async delete(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(NoteShare, { noteId: id });
      await manager.delete(Note, { id });
    });
  }

  async share(noteId: string, userId: string): Promise<void> {
    await this.dataSource.getRepository(NoteShare).upsert({ noteId, userId, createdAt: new Date() }, ['noteId', 'userId']);
  }

  async unshare(noteId: string, userId: string): Promise<void> {
    await this.dataSource.getRepository(NoteShare).delete({ noteId, userId });
  }
}
