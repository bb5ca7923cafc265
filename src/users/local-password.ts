import type { User } from './user.entity.js';

/**
 * The password hash of an account that signs in elsewhere (a just-in-time account of the external
 * OpenID provider, src/oidc/): never an argon2 hash, so the password check can only answer
 * "wrong", and the flows that would give it a local password (reset by email) refuse it.
 */
export const NO_LOCAL_PASSWORD = '!external-identity';

/** Whether the account has a password of its own here (local accounts), not one managed by a provider. */
export function hasLocalPassword(user: Pick<User, 'passwordHash'>): boolean {
  return user.passwordHash !== NO_LOCAL_PASSWORD;
}
