import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { accessRuleOf } from './access-rule.js';
import { principalOf } from './principal.js';

/**
 * Global role check after authentication (RBAC; OWASP API5:2023). Reads @Roles handler-first,
 * then class; a route with @Roles refuses every other role. Unlike some templates, an
 * undeclared route is not allowed through: it is refused.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = accessRuleOf(this.reflector, context.getHandler(), context.getClass());
    if (!rule) throw new ForbiddenException();
    if (rule.isPublic || rule.roles === undefined) return true;
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (!principal || !rule.roles.includes(principal.role)) throw new ForbiddenException();
    return true;
  }
}
