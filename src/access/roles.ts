/** The roles an account may hold (docs/authorization.md). */
export type Role = 'user' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['user', 'auditor', 'admin'];
