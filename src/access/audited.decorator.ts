import { SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Request } from 'express';

/** What a route records in the audit trail (docs/audit.md). */
export interface AuditDeclaration {
  /** What the request does, in domain words: `note.update`, `api-key.rotate`. */
  readonly action: string;
  /** Where the resource id comes from: a path parameter (default `id`), or the response's `id`. */
  readonly resource?: { readonly param: string } | 'response';
}

/** A route whose answers are left out of the trail, with the reason (health probes). */
export interface AuditOptOut {
  readonly notAudited: string;
}

export type RouteAudit = AuditDeclaration | AuditOptOut;

export const AUDITED_KEY = 'audit:declaration';

/**
 * Declares the audit action (and resource id) of a route; read handler first. Every route
 * declares either this or @NotAudited: boot refuses a route with neither
 * (src/access/route-declarations.verifier.ts), like a route without an access declaration.
 */
export const Audited = (action: string, resource?: AuditDeclaration['resource']) =>
  SetMetadata<string, RouteAudit>(AUDITED_KEY, { action, ...(resource ? { resource } : {}) });

/**
 * The explicit opt-out: the route's own answers (success, or a server-side failure such as a
 * not-ready 503) are not recorded; a request refused as a client error (4xx) still is, since
 * probing goes on the record. For routes that carry no actor and no data: health probes.
 */
export const NotAudited = (reason: string) => SetMetadata<string, RouteAudit>(AUDITED_KEY, { notAudited: reason });

export function isAuditOptOut(audit: RouteAudit | undefined): audit is AuditOptOut {
  return audit !== undefined && 'notAudited' in audit;
}

const declarations = new WeakMap<Function, Map<Function, RouteAudit | undefined>>();

/** A route's declaration, handler first, read from metadata once per route and then remembered. */
export function routeAuditOf(reflector: Reflector, handler: Function, controller: Function): RouteAudit | undefined {
  let byController = declarations.get(handler);
  if (byController === undefined) declarations.set(handler, (byController = new Map()));
  if (!byController.has(controller)) {
    byController.set(controller, reflector.getAllAndOverride<RouteAudit>(AUDITED_KEY, [handler, controller]));
  }
  return byController.get(controller);
}

const ROUTE_AUDIT = Symbol('routeAudit');
type WithRouteAudit = Request & { [ROUTE_AUDIT]?: RouteAudit };

/** Called by the first global guard (audit-declaration.guard.ts), so every later refusal names the route's action. */
export function rememberRouteAudit(req: Request, audit: RouteAudit | undefined): void {
  if (audit) (req as WithRouteAudit)[ROUTE_AUDIT] = audit;
}

/** The matched route's declaration; undefined when no route matched (a 404) or the request was refused before routing. */
export function routeAuditFor(req: Request): RouteAudit | undefined {
  return (req as WithRouteAudit)[ROUTE_AUDIT];
}
