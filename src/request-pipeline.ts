import { Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AccessModule } from './access/access.module.js';
import { AuditDeclarationGuard } from './access/audit-declaration.guard.js';
import { AuthenticationGuard } from './access/authentication.guard.js';
import { AuthorizationGuard } from './access/authorization.guard.js';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuditModule } from './audit/audit.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { RejectUnexpectedBodyInterceptor } from './http/reject-unexpected-body.interceptor.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';

/**
 * The request's path through Nest, in the order it runs (docs/architecture.md#the-request-pipeline).
 * Before it, the Express middleware chain in src/configure-app.ts (request id, logging, security
 * headers, metrics, intrusion detection, CORS, body parsing, input hygiene) has already answered
 * or passed the request. No other module registers a global guard, interceptor, filter or pipe:
 * the order is this list's, never the order modules are imported in.
 */

/** Guards, first to last: any of them may refuse; a refusal goes to the filter. */
const GUARDS = [
  // Notes the route's @Audited declaration on the request, so every refusal below names its action.
  AuditDeclarationGuard,
  // Before authentication: an over-limit client gets 429 without costing a token or key check.
  RateLimitGuard,
  // Deny unless @Public(); the registered credential authenticators establish the principal.
  AuthenticationGuard,
  // The route's @Roles / @Authenticated / @Scopes against that principal.
  AuthorizationGuard,
];

/** Interceptors, outermost first: each wraps the ones after it and the handler. */
const INTERCEPTORS = [
  // Opens the unit of work of a state-changing request, records the served request's audit event.
  AuditInterceptor,
  // A body sent to a route that takes none is a 400, before pipes and the handler.
  RejectUnexpectedBodyInterceptor,
];

const providers: Provider[] = [
  ...GUARDS.map((guard) => ({ provide: APP_GUARD, useExisting: guard })),
  ...INTERCEPTORS.map((interceptor) => ({ provide: APP_INTERCEPTOR, useExisting: interceptor })),
  // Then the validation pipe on every @Body / @Query / @Param (whitelist, forbid unknown, transform).
  { provide: APP_PIPE, useFactory: createValidationPipe },
  // Every error, from any step above or the handler, becomes an RFC 9457 problem, audited through AuditTrail.
  { provide: APP_FILTER, useClass: ProblemDetailsFilter },
];

@Module({
  imports: [AccessModule, RateLimitModule, AuditModule],
  providers: [RejectUnexpectedBodyInterceptor, ...providers],
})
export class RequestPipelineModule {}
