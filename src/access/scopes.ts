import type { Role } from './roles.js';

/**
 * The scope table: every scope an API key may hold, and which owner roles may hold it
 * (docs/http-contract.md#api-keys). The `Scope` type derives from it, so a new scope is one row
 * here. A key never authorizes more than its owner could do: the scopes are checked against the
 * owner's role when the key is created and again on every request, so demoting the owner shrinks
 * the key at once (OWASP API5:2023).
 */
export const SCOPE_ROLES = {
  'notes:read': ['user', 'auditor', 'admin'],
  'notes:write': ['user', 'auditor', 'admin'],
  'audit:read': ['auditor', 'admin'],
  'metrics:read': ['admin'],
  // generate:resource scopes
} as const satisfies Readonly<Record<string, readonly Role[]>>;

export type Scope = keyof typeof SCOPE_ROLES;

export const SCOPES = Object.keys(SCOPE_ROLES) as Scope[];

export function scopesAllowedFor(role: Role, requested: readonly Scope[]): Scope[] {
  return requested.filter((scope) => (SCOPE_ROLES[scope] as readonly Role[]).includes(role));
}
