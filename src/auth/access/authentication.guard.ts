import { ForbiddenException, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ProblemException } from '../../http/problem.exception.js';
import { accessRuleOf } from './access-rule.js';

/** RFC 6750 §3: the scheme, and that the presented token (if any) was refused. */
const CHALLENGE = 'Bearer realm="api", error="invalid_token"';

/**
 * Global authentication (APP_GUARD): deny unless the route is @Public(). Tokens are read only
 * from the Authorization header (never the query string) and verified by the passport-jwt
 * strategy. An undeclared route is refused here too, in case the boot check is bypassed.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const rule = accessRuleOf(this.reflector, context.getHandler(), context.getClass());
    if (!rule) throw new ForbiddenException();
    if (rule.isPublic) return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error || !user) {
      throw new ProblemException(401, {
        detail: 'A valid access token is required.',
        headers: { 'WWW-Authenticate': CHALLENGE },
      });
    }
    return user;
  }
}
