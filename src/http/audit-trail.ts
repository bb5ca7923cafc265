import type { Request } from 'express';

/**
 * The audit trail's one entry point, as the HTTP layer sees it (docs/architecture.md#audit-has-one-entry-point).
 * The problem-details filter records every refused or failed request through it, and the audit
 * interceptor every served one; the implementation (src/audit/audit-recorder.ts) is bound to this
 * token by AuditModule. Exactly one event per request: the second call for a request is a no-op.
 * What the route records (its action, its resource id) it declares with @Audited
 * (src/access/audited.decorator.ts); the first global guard notes that declaration on the request.
 */
export abstract class AuditTrail {
  /**
   * Records the request's event with the status it is answered with. Throws a 503 ProblemException
   * when the event cannot be written: no evidence, no answer.
   */
  abstract record(req: Request, status: number, resourceIdFromResponse?: string): Promise<void>;
}
