import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { rememberRouteAudit, routeAuditOf } from './audited.decorator.js';

/**
 * The first global guard (src/request-pipeline.ts): it refuses nothing. It notes the matched
 * route's @Audited declaration on the request, so that a request refused by any later guard (rate
 * limit, authentication, authorization) is still recorded under the route's action by the
 * problem-details filter, and a served one by the audit interceptor.
 */
@Injectable()
export class AuditDeclarationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    rememberRouteAudit(req, routeAuditOf(this.reflector, context.getHandler(), context.getClass()));
    return true;
  }
}
