import { createParamDecorator, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf, type Principal } from './principal.js';

/** Injects the authenticated caller; handlers take the actor explicitly (DESIGN §2.3). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (!principal) throw new UnauthorizedException();
  return principal;
});
