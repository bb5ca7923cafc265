import { SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

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

const declarations = new WeakMap<Function, Map<Function, AuditDeclaration | undefined>>();

/** A route's declaration, handler first, read from metadata once per route and then remembered. */
export function auditDeclarationOf(reflector: Reflector, handler: Function, controller: Function): AuditDeclaration | undefined {
  let byController = declarations.get(handler);
  if (byController === undefined) declarations.set(handler, (byController = new Map()));
  if (!byController.has(controller)) {
    byController.set(controller, reflector.getAllAndOverride<AuditDeclaration>(AUDITED_KEY, [handler, controller]));
  }
  return byController.get(controller);
}
