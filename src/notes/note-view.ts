import { ApiProperty } from '../http/openapi-declarations.js';
import { PageOf } from '../common/page.view.js';
import type { Note } from './note.entity.js';

/** The only shape of a note that leaves the server (docs/http-contract.md#notes). Built field by field: no entity leaks. */
export class NoteView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  title: string;
  @ApiProperty()
  body: string;
  @ApiProperty({ format: 'uuid' })
  ownerId: string;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Everyone the note is shared with, for its owner; a reader sees only itself.',
  })
  sharedWith: string[];
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
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

/** One page of the caller's notes. */
export class NotePage extends PageOf(NoteView) {}
