/** The roles an account may hold (docs/authorization.md); defined in src/config/roles.ts, which configuration reads too. */
export { ROLES, type Role } from '../config/roles.js';
