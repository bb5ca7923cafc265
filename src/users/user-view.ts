import { ApiProperty } from '../http/openapi-declarations.js';
import { ROLES, type Role } from '../access/access.decorators.js';
import { PageOf } from '../common/page.view.js';
import type { User } from './user.entity.js';

/** The only shape of a user that leaves the server (docs/http-contract.md#auth): never a hash, key or token. */
export class UserView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'email' })
  email: string;
  @ApiProperty()
  displayName: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  role: Role;
  @ApiProperty({ format: 'date-time' })
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

/** One page of accounts (admin). */
export class UserPage extends PageOf(UserView) {}
