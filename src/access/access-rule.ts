import type { Reflector } from '@nestjs/core';
import { AUTHENTICATED_KEY, PUBLIC_KEY, ROLES_KEY, SCOPES_KEY, type Role, type Scope } from './access.decorators.js';

export interface AccessRule {
  readonly isPublic: boolean;
  readonly authenticated: boolean;
  readonly roles: readonly Role[] | undefined;
  readonly scopes: readonly Scope[] | undefined;
}

/**
 * Declarations are fixed once the classes are defined, and the guards ask on every request:
 * each route's rule is read from metadata once, then remembered (no per-request reflection).
 */
const rules = new WeakMap<Function, Map<Function, AccessRule | undefined>>();

/** Reads a route's declaration, handler first, then class (docs/architecture.md#code-habits); undefined = undeclared. */
export function accessRuleOf(reflector: Reflector, handler: Function, controller: Function): AccessRule | undefined {
  let byController = rules.get(handler);
  if (byController === undefined) rules.set(handler, (byController = new Map()));
  if (byController.has(controller)) return byController.get(controller);
  const rule = readAccessRule(reflector, handler, controller);
  byController.set(controller, rule);
  return rule;
}

function readAccessRule(reflector: Reflector, handler: Function, controller: Function): AccessRule | undefined {
  const targets = [handler, controller];
  const rule: AccessRule = {
    isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
    authenticated: reflector.getAllAndOverride<boolean>(AUTHENTICATED_KEY, targets) === true,
    roles: reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets),
    scopes: reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets),
  };
  const declared = rule.isPublic || rule.authenticated || rule.roles !== undefined || rule.scopes !== undefined;
  return declared ? rule : undefined;
}
