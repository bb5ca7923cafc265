import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { accessRuleOf } from './access-rule.js';
import { principalOf } from './principal.js';

/**
 * Global function-level authorization after authentication (OWASP API5:2023), metadata read
 * handler first, then class:
 * - a bearer user needs a role listed in @Roles, or a route marked @Authenticated;
 * - an API key needs one of the route's @Scopes (a route without @Scopes refuses every key),
 *   and its owner's current role must satisfy @Roles when the route has one;
 * - a user of the external OpenID provider is a bearer user; its machine clients are keys
 *   (docs/oauth-oidc.md#what-a-caller-may-do).
 * An undeclared route is refused, unlike templates whose roles guard allows it.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = accessRuleOf(this.reflector, context.getHandler(), context.getClass());
    if (!rule) throw new ForbiddenException();
    if (rule.isPublic) return true;
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (!principal) throw new ForbiddenException();
    const roleOk = rule.roles === undefined ? rule.authenticated : rule.roles.includes(principal.role);
    if ((principal.kind === 'user' || principal.kind === 'externalUser') && roleOk) return true;
    if (principal.kind === 'apiKey' || principal.kind === 'client') {
      const scopeOk = rule.scopes?.some((scope) => principal.scopes.includes(scope)) ?? false;
      if (scopeOk && (rule.roles === undefined || rule.roles.includes(principal.role))) return true;
    }
    throw new ForbiddenException();
  }
}
