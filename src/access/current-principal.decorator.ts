import { createParamDecorator, ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf, type Principal, type UserPrincipal } from './principal.js';

/** Injects the authenticated caller; handlers take the actor explicitly (docs/architecture.md#authorization-lives-in-the-data-path). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (!principal) throw new UnauthorizedException();
  return principal;
});

/** Injects the caller on bearer-only routes (sessions, passwords, key management): never an API key. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): UserPrincipal => {
  const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (!principal) throw new UnauthorizedException();
  if (principal.kind !== 'user') throw new ForbiddenException();
  return principal;
});
