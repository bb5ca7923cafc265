import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { mergeMap, type Observable } from 'rxjs';
import { AuditRecorder, rememberAuditDeclaration } from './audit-recorder.js';
import { auditDeclarationOf } from './audited.decorator.js';

/**
 * Records every request a handler served, with the action and resource id the handler declares,
 * and holds the response until the event is committed (API.md §6, ASVS 16.3). Refused requests
 * never get here; the problem-details filter records those through the same AuditRecorder.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly recorder: AuditRecorder,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    rememberAuditDeclaration(req, auditDeclarationOf(this.reflector, context.getHandler(), context.getClass()));
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        const id = (body as { id?: unknown } | null | undefined)?.id;
        await this.recorder.record(req, res.statusCode, typeof id === 'string' ? id : undefined);
        return body;
      }),
    );
  }
}
