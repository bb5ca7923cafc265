import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Page } from '../common/pagination.query.js';
import { ProblemException } from '../http/problem.exception.js';
import { UsersService } from '../users/users.service.js';
import { noteScope, type NoteAction, type NoteActor } from './note.policy.js';
import { toNoteView, type NoteView } from './note-view.js';
import type { Note } from './note.entity.js';
import { NotesRepository } from './notes.repository.js';

const notFound = () => new ProblemException(404, { detail: 'No such note.' });

/** Notes use cases. Every method takes the actor and asks the repository only within its scope. */
@Injectable()
export class NotesService {
  constructor(
    private readonly notes: NotesRepository,
    private readonly users: UsersService,
  ) {}

  async create(actor: NoteActor, input: { title: string; body: string }): Promise<NoteView> {
    const now = new Date();
    const note = await this.notes.insert({
      id: randomUUID(),
      ownerId: actor.userId,
      title: input.title,
      body: input.body,
      createdAt: now,
      updatedAt: now,
    });
    return toNoteView(note, [], actor.userId);
  }

  async list(actor: NoteActor, page: number, limit: number): Promise<Page<NoteView>> {
    const [notes, total] = await this.notes.findPage(noteScope(actor, 'read'), page, limit);
    const shares = await this.notes.sharesOf(notes.map((note) => note.id));
    return { items: notes.map((note) => toNoteView(note, shares.get(note.id) ?? [], actor.userId)), page, limit, total };
  }

  async get(actor: NoteActor, id: string): Promise<NoteView> {
    const note = await this.notes.findOne(id, noteScope(actor, 'read'));
    if (!note) throw notFound();
    return this.view(note, actor);
  }

  async update(actor: NoteActor, id: string, changes: { title?: string; body?: string }): Promise<NoteView> {
    const note = await this.authorize(actor, id, 'update');
    Object.assign(note, changes, { updatedAt: new Date() });
    return this.view(await this.notes.save(note), actor);
  }

  async remove(actor: NoteActor, id: string): Promise<void> {
    await this.notes.delete((await this.authorize(actor, id, 'delete')).id);
  }

  async share(actor: NoteActor, id: string, userId: string): Promise<void> {
    const note = await this.authorize(actor, id, 'share');
    if (userId === note.ownerId)
      throw new ProblemException(400, {
        detail: 'A note cannot be shared with its owner.',
        errors: [{ field: 'userId', message: 'userId is the owner' }],
      });
    const target = await this.users.findAuthState(userId);
    if (!target || target.disabled) throw new ProblemException(404, { detail: 'No such user.' });
    await this.notes.share(note.id, userId);
  }

  async unshare(actor: NoteActor, id: string, userId: string): Promise<void> {
    await this.notes.unshare((await this.authorize(actor, id, 'share')).id, userId);
  }

  /**
   * The note if the action is allowed. Otherwise 403 when the actor may at least read the note,
   * and 404 when they may not even know it exists (no existence oracle).
   */
  private async authorize(actor: NoteActor, id: string, action: NoteAction): Promise<Note> {
    const note = await this.notes.findOne(id, noteScope(actor, action));
    if (note) return note;
    if (await this.notes.findOne(id, noteScope(actor, 'read')))
      throw new ProblemException(403, { detail: 'You may read this note but not change it.' });
    throw notFound();
  }

  private async view(note: Note, actor: NoteActor): Promise<NoteView> {
    return toNoteView(note, await this.notes.sharedWith(note.id), actor.userId);
  }
}
