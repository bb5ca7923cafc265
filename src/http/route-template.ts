import type { Request } from 'express';

/**
 * The route template a request matched (`/api/v1/notes/:id`), or `unmatched` when it was
 * answered before routing (unknown path, refused by a middleware). Metrics and detection label
 * by template, never by the raw URL: ids in URLs would make label sets unbounded.
 */
export function routeTemplate(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  // Nest answers unknown paths through a catch-all route (`{/*splat}`): that is no template either.
  return typeof route?.path === 'string' && !route.path.includes('*') ? route.path : 'unmatched';
}

/**
 * The path without the query string, as the client sent it: for the record (events, logs) only.
 * Never compare it to decide anything: an absolute-form target (`http://host/api/...`) or any
 * other spelling differs from the route it reaches; use routeTemplate or req.path instead.
 */
export function requestPath(req: Request): string {
  return req.originalUrl.split('?')[0] ?? '/';
}
