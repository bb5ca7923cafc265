import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { AuditTrail } from './audit-trail.js';
import { problemInstance } from './problem-instance.js';
import { mapToProblem, type MappedProblem, type ProblemBody } from './problem-mapper.js';
import { requestIdOf } from './request-id.middleware.js';

/**
 * The single place where errors become responses (docs/architecture.md#errors-are-typed-and-mapped-once): RFC 9457 problem details,
 * with the cause of unexpected errors logged under the request id and never sent
 * (OWASP API8:2023 security misconfiguration / ASVS 16.5.1 generic error messages).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: PinoLogger,
    private readonly audit: AuditTrail,
  ) {
    this.logger.setContext('ProblemDetailsFilter');
  }

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const requestId = requestIdOf(req);
    let problem: MappedProblem = mapToProblem(exception);
    try {
      // Refused and failed requests are audited here, before the answer leaves (docs/http-contract.md#audit-events).
      await this.audit.record(req, problem.body.status);
    } catch (auditFailure) {
      problem = mapToProblem(auditFailure);
    }

    if (problem.unexpected) {
      this.logger.error({ err: exception, requestId }, 'unhandled error');
    }
    if (res.headersSent) {
      // The handler already started a response; all we can do is end it.
      res.end();
      return;
    }
    const body: ProblemBody = { ...problem.body, instance: problemInstance(req.originalUrl), requestId };
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    if (body.status === 401 && !res.hasHeader('WWW-Authenticate')) {
      // RFC 6750 §3: a 401 names the scheme the client should use.
      res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
    }
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}
