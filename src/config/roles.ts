/**
 * The roles an account may hold (docs/authorization.md). Defined in the bottom layer because
 * configuration names them (MFA_REQUIRED_ROLES, src/config/mfa-config.ts) and src/config/ imports
 * nothing above it; the access vocabulary re-exports them (src/access/roles.ts).
 */
export type Role = 'user' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['user', 'auditor', 'admin'];
