import type { Role } from '../access/access.decorators.js';
import type { User } from './user.entity.js';

/** The only shape of a user that leaves the server (docs/http-contract.md#auth): never a hash, key or token. */
export interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  createdAt: string;
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}
