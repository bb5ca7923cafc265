import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { CompiledInsert } from '../database/compiled-insert.js';
import { CompiledSelect } from '../database/compiled-select.js';
import { NoteShare } from './note-share.entity.js';
import type { NoteScope } from './note.policy.js';
import { Note } from './note.entity.js';

/** Note queries, always filtered by a policy scope (docs/architecture.md#authorization-lives-in-the-data-path). */
@Injectable()
export class NotesRepository {
  /** One compiled query per scope kind: the single-note read is on every note request (compiled-select.ts). */
  private readonly findOneByScope = new Map<NoteScope['kind'], CompiledSelect<Note, 'id' | 'userId'>>();
  private sharesOfOne: CompiledSelect<NoteShare, 'noteId'> | undefined;
  private inserter: CompiledInsert<Note> | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The scope's WHERE clause, with `:userId` bound by the caller. */
  private restrict<T extends SelectQueryBuilder<Note>>(query: T, kind: NoteScope['kind']): T {
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
    let compiled = this.findOneByScope.get(scope.kind);
    if (!compiled) {
      compiled = new CompiledSelect(this.dataSource, Note, {
        alias: 'note',
        parameters: scope.kind === 'any' ? ['id'] : ['id', 'userId'],
        build: (query) => this.restrict(query, scope.kind).andWhere('note.id = :id'),
      });
      this.findOneByScope.set(scope.kind, compiled);
    }
    return compiled.one({ id, userId: scope.kind === 'any' ? undefined : scope.userId });
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
    this.sharesOfOne ??= new CompiledSelect(this.dataSource, NoteShare, {
      alias: 'share',
      select: ['userId'],
      parameters: ['noteId'],
      build: (query) => query.where('share.noteId = :noteId').orderBy('share.createdAt', 'ASC'),
    });
    return (await this.sharesOfOne.many({ noteId })).map((share) => share.userId);
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

  /** A new note: one INSERT compiled once (save() would first SELECT to tell an insert from an update). */
  async insert(note: Note): Promise<Note> {
    this.inserter ??= new CompiledInsert(this.dataSource, Note);
    await this.inserter.insert(this.dataSource.manager, [note]);
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
