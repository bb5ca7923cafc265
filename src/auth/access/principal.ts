import type { Request } from 'express';
import type { Role } from './access.decorators.js';

/** Who is calling, as established by the authentication guard (a user with a bearer token). */
export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly role: Role;
  readonly sessionId: string;
  readonly tokenId: string;
  /** Access-token expiry, epoch seconds: revocation entries need to live only this long. */
  readonly tokenExpiresAt: number;
}

export type Principal = UserPrincipal;

export function principalOf(req: Request): Principal | undefined {
  return req.user as Principal | undefined;
}
