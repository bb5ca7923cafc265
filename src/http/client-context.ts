import type { Request } from 'express';
import { requestIdOf } from './request-id.middleware.js';

/**
 * Who is calling, as services that record security events need it: the client address (after
 * the trust-proxy rules) and the request id that correlates the event with the request's
 * response, log line and audit event (ASVS 16.2.1). Passed explicitly rather than read from an
 * async context: AsyncLocalStorage costs 15 % of a note read on Node 20 (docs/performance.md).
 */
export interface ClientContext {
  readonly ip: string | undefined;
  readonly requestId: string;
}

/** The request behind a context, for the audit trail (src/audit/audit-subject.ts); weak, never leaks. */
const requests = new WeakMap<ClientContext, Request>();

export function clientOf(req: Request): ClientContext {
  const client = { ip: req.ip, requestId: requestIdOf(req) };
  requests.set(client, req);
  return client;
}

export function requestOfClient(client: ClientContext): Request | undefined {
  return requests.get(client);
}
