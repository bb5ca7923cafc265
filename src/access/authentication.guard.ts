import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ProblemException } from '../http/problem.exception.js';
import { accessRuleOf } from './access-rule.js';
import { CredentialAuthenticators, rememberCredentialScheme } from './credential-authenticator.js';

/**
 * Global authentication (src/request-pipeline.ts): deny unless the route is @Public(). The
 * credential is verified by the one registered authenticator that claims the request
 * (credential-authenticator.ts); none claiming it is a 401 without an error code (RFC 6750 §3.1),
 * two claiming it, or a refused credential, a 401 with `error="invalid_token"`. Credentials are
 * read only from headers. An undeclared route is refused here too, in case the boot check is
 * bypassed (OWASP API2:2023 / API5:2023).
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticators: CredentialAuthenticators,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = accessRuleOf(this.reflector, context.getHandler(), context.getClass());
    if (!rule) throw new ForbiddenException();
    if (rule.isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const authenticator = this.authenticators.claimantOf(req);
    if (authenticator === undefined) throw this.unauthorized(false);
    if (authenticator === 'ambiguous') throw this.unauthorized(true);
    rememberCredentialScheme(req, authenticator.scheme);
    const principal = await authenticator.authenticate(req);
    if (principal === undefined) throw this.unauthorized(true);
    req.user = principal;
    return true;
  }

  private unauthorized(refused: boolean): ProblemException {
    return new ProblemException(401, {
      detail: 'A valid access token or API key is required.',
      headers: { 'WWW-Authenticate': this.authenticators.challenges(refused) },
    });
  }
}
