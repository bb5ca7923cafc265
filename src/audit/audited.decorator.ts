import { SetMetadata } from '@nestjs/common';

export interface AuditDeclaration {
  /** What the request does, in domain words: `note.update`, `api-key.rotate`. */
  readonly action: string;
  /** Where the resource id comes from: a path parameter (default `id`), or the response's `id`. */
  readonly resource?: { readonly param: string } | 'response';
}

export const AUDITED_KEY = 'audit:declaration';

/** Declares the audit action (and resource id) of a route; read handler first. */
export const Audited = (action: string, resource?: AuditDeclaration['resource']) =>
  SetMetadata<string, AuditDeclaration>(AUDITED_KEY, { action, ...(resource ? { resource } : {}) });
