import { Injectable } from '@nestjs/common';
import { CompiledInsert } from '../database/compiled-insert.js';
import { CompiledSelect } from '../database/compiled-select.js';
import { NoteShare } from './note-share.entity.js';
import type { NoteScope } from './note.policy.js';
import { Note } from './note.entity.js';
import { NotesRepository } from './notes.repository.js';

/**
 * The notes repository with its three hottest queries hand-compiled: the single-note read by
 * scope (on every note request), a note's shares, and the new-note INSERT (save() would first
 * SELECT to tell an insert from an update). The performance profile proved them necessary
 * (docs/performance.md: TypeORM's self time in a note read 25 % → 4 %, note create 2808–3810 →
 * 1078 µs/request); same results as the plain queries they override. Not part of the example a
 * fork copies: a new resource starts from notes.repository.ts and compiles a query only when a
 * profile says so.
 */
@Injectable()
export class CompiledNotesRepository extends NotesRepository {
  /** One compiled query per scope kind (compiled-select.ts). */
  private readonly findOneByScope = new Map<NoteScope['kind'], CompiledSelect<Note, 'id' | 'userId'>>();
  private sharesOfOne: CompiledSelect<NoteShare, 'noteId'> | undefined;
  private inserter: CompiledInsert<Note> | undefined;

  override findOne(id: string, scope: NoteScope): Promise<Note | null> {
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

  override async sharedWith(noteId: string): Promise<string[]> {
    this.sharesOfOne ??= new CompiledSelect(this.dataSource, NoteShare, {
      alias: 'share',
      select: ['userId'],
      parameters: ['noteId'],
      build: (query) => query.where('share.noteId = :noteId').orderBy('share.createdAt', 'ASC'),
    });
    return (await this.sharesOfOne.many({ noteId })).map((share) => share.userId);
  }

  override async insert(note: Note): Promise<Note> {
    this.inserter ??= new CompiledInsert(this.dataSource, Note);
    await this.inserter.insert(this.dataSource.manager, [note]);
    return note;
  }
}
