import type { Role, Scope } from './access.decorators.js';

/**
 * Which owner roles may hold each scope (docs/http-contract.md#api-keys). A key never authorizes more than its owner
 * could do: the scopes are checked against the owner's role when the key is created and again
 * on every request, so demoting the owner shrinks the key at once (OWASP API5:2023).
 */
export const SCOPE_ROLES: Readonly<Record<Scope, readonly Role[]>> = {
  'notes:read': ['user', 'auditor', 'admin'],
  'notes:write': ['user', 'auditor', 'admin'],
  'audit:read': ['auditor', 'admin'],
  'metrics:read': ['admin'],
};

export const SCOPES = Object.keys(SCOPE_ROLES) as Scope[];

export function scopesAllowedFor(role: Role, requested: readonly Scope[]): Scope[] {
  return requested.filter((scope) => SCOPE_ROLES[scope].includes(role));
}
