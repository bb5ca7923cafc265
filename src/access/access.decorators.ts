import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles.js';
import type { Scope } from './scopes.js';

export { ROLES, type Role } from './roles.js';
export type { Scope } from './scopes.js';

/**
 * Every route declares its access (docs/architecture.md#deny-unless-declared): @Public(), @Authenticated(), @Roles(...) or
 * @Scopes(...). A route with none is refused at boot (and at run time), so forgetting a
 * decorator can never leave a route open (OWASP API5:2023 broken function level authorization).
 */
export const PUBLIC_KEY = 'access:public';
export const AUTHENTICATED_KEY = 'access:authenticated';
export const ROLES_KEY = 'access:roles';
export const SCOPES_KEY = 'access:scopes';
export const ACCESS_KEYS = [PUBLIC_KEY, AUTHENTICATED_KEY, ROLES_KEY, SCOPES_KEY] as const;

/** The only opt-out of authentication. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Any authenticated user, whatever the role. */
export const Authenticated = () => SetMetadata(AUTHENTICATED_KEY, true);
/** Authenticated users with one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** API keys holding one of these scopes may call the route (a route without @Scopes refuses keys). */
export const Scopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);
