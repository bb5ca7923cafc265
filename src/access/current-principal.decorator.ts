import { createParamDecorator, ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemException } from '../http/problem.exception.js';
import { principalOf, type ExternalUserPrincipal, type Principal, type UserPrincipal } from './principal.js';

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
  // A provider account has no local session, password or keys: they are managed at the provider.
  if (principal.kind === 'externalUser')
    throw new ProblemException(403, {
      detail: 'This account signs in through the identity provider: its password and sessions are managed there.',
    });
  if (principal.kind !== 'user') throw new ForbiddenException();
  return principal;
});

/** Injects a person (a local or an identity-provider user), never a key or a machine client: for admin actions. */
export const CurrentPerson = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): UserPrincipal | ExternalUserPrincipal => {
    const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
    if (!principal) throw new UnauthorizedException();
    if (principal.kind !== 'user' && principal.kind !== 'externalUser') throw new ForbiddenException();
    return principal;
  },
);
