import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { mergeMap, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { openUnitOfWork } from '../database/request-transaction.js';
import { AuditRecorder, attachUnitOfWork } from './audit-recorder.js';

/** Methods that may change state (RFC 9110 §9.2.1: everything but the safe ones). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records every request a handler served, with the action and resource id the route declares
 * (@Audited, noted on the request by the first global guard),
 * and holds the response until the event is committed (docs/http-contract.md#audit-events, ASVS 16.3). Refused requests
 * never get here; the problem-details filter records those through the AuditTrail port, which is
 * this same AuditRecorder.
 *
 * A state-changing request's handler runs in a unit of work (src/database/request-transaction.ts):
 * what it writes commits only together with its audit event (docs/audit.md).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly recorder: AuditRecorder,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const record = mergeMap(async (body: unknown) => {
      const id = (body as { id?: unknown } | null | undefined)?.id;
      await this.recorder.record(req, res.statusCode, typeof id === 'string' ? id : undefined);
      return body;
    });
    const unit = SAFE_METHODS.has(req.method) ? undefined : openUnitOfWork(this.dataSource);
    if (!unit) return next.handle().pipe(record);
    attachUnitOfWork(req, unit);
    // Safety net: a unit the recorder did not end (a response cut short) never stays open.
    res.once('close', () => void unit.abandon());
    // Nest binds the handler to the async context current when handle() is called.
    return unit.run(() => next.handle()).pipe(record);
  }
}
