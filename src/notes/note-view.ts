import type { Note } from './note.entity.js';

/** The only shape of a note that leaves the server (docs/http-contract.md#notes). Built field by field: no entity leaks. */
export interface NoteView {
  id: string;
  title: string;
  body: string;
  ownerId: string;
  sharedWith: string[];
  createdAt: string;
  updatedAt: string;
}

/**
 * The owner sees everyone the note is shared with; a reader sees only themselves, so sharing
 * does not disclose the other readers (OWASP API3:2023 excessive data exposure).
 */
export function toNoteView(note: Note, sharedWith: readonly string[], viewerId: string): NoteView {
  return {
    id: note.id,
    title: note.title,
    body: note.body,
    ownerId: note.ownerId,
    sharedWith: note.ownerId === viewerId ? [...sharedWith] : sharedWith.filter((id) => id === viewerId),
    createdAt: note.createdAt.toISOString(),
    updatedAt: note.updatedAt.toISOString(),
  };
}
