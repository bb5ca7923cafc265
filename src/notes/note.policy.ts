import type { Role } from '../access/access.decorators.js';

/**
 * Who may do what with a note (ABAC; OWASP API1:2023 BOLA), in one place:
 * - the owner may do everything;
 * - a user the note is shared with may read it, nothing else;
 * - an admin may delete any note (moderation) but reads only their own or shared notes.
 * Each action maps to a scope that the repository turns into a WHERE clause, so the database
 * only ever returns rows the actor may act on: no load-then-check, and a hidden note is
 * indistinguishable from a missing one.
 */
export type NoteAction = 'read' | 'update' | 'delete' | 'share';

export type NoteScope =
  | { readonly kind: 'any' }
  | { readonly kind: 'owned'; readonly userId: string }
  | { readonly kind: 'readable'; readonly userId: string };

export interface NoteActor {
  readonly userId: string;
  readonly role: Role;
}

export function noteScope(actor: NoteActor, action: NoteAction): NoteScope {
  switch (action) {
    case 'read':
      return { kind: 'readable', userId: actor.userId };
    case 'update':
    case 'share':
      return { kind: 'owned', userId: actor.userId };
    case 'delete':
      return actor.role === 'admin' ? { kind: 'any' } : { kind: 'owned', userId: actor.userId };
  }
}
