import type { Request } from 'express';
import { requestOfClient, type ClientContext } from '../http/client-context.js';

const SUBJECT = Symbol('auditSubject');
type WithSubject = Request & { [SUBJECT]?: string };

/**
 * Names the account a request acted on when no path parameter or response says it: a login, successful or not, records the account id once the account is known, never
 * the email. The service that found the account calls this with the request's client context.
 */
export function recordAuditSubject(client: ClientContext | Request, accountId: string): void {
  const req = 'headers' in client ? client : requestOfClient(client);
  if (req) (req as WithSubject)[SUBJECT] = accountId;
}

export function auditSubjectOf(req: Request): string | undefined {
  return (req as WithSubject)[SUBJECT];
}
