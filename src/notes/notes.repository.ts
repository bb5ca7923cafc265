import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { NoteShare } from './note-share.entity.js';
import type { NoteScope } from './note.policy.js';
import { Note } from './note.entity.js';

/**
 * Note queries, always filtered by a policy scope (docs/architecture.md#authorization-lives-in-the-data-path).
 * The data-access style of every feature (docs/architecture.md#data-access): the DataSource
 * injected, a repository or query builder asked of it per query. The hottest three queries run
 * hand-compiled in production (notes.compiled-queries.ts, bound in notes.module.ts); a resource
 * copied from this one does not need that.
 */
@Injectable()
export class NotesRepository {
  constructor(@InjectDataSource() protected readonly dataSource: DataSource) {}

  /** The scope's WHERE clause, with `:userId` bound by the caller. */
  protected restrict<T extends SelectQueryBuilder<Note>>(query: T, kind: NoteScope['kind']): T {
    if (kind === 'owned') query.where('note.ownerId = :userId');
    if (kind === 'readable') {
      query.where(
        '(note.ownerId = :userId OR EXISTS (SELECT 1 FROM note_shares share WHERE share.note_id = note.id AND share.user_id = :userId))',
      );
    }
    return query;
  }

  private scoped(scope: NoteScope): SelectQueryBuilder<Note> {
    const query = this.restrict(this.dataSource.getRepository(Note).createQueryBuilder('note'), scope.kind);
    return scope.kind === 'any' ? query : query.setParameter('userId', scope.userId);
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

  /** The users one note is shared with, oldest share first. */
  async sharedWith(noteId: string): Promise<string[]> {
    const shares = await this.dataSource.getRepository(NoteShare).find({ where: { noteId }, order: { createdAt: 'ASC' } });
    return shares.map((share) => share.userId);
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

  async insert(note: Note): Promise<Note> {
    await this.dataSource.getRepository(Note).insert(note);
    return note;
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
