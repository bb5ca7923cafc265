import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { sentBody } from './json-body.middleware.js';
import { ProblemException } from './problem.exception.js';

/** True when the handler declares a `@Body()` parameter: the only way a route takes a body. */
function takesBody(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) as Record<string, unknown> | undefined;
  return Object.keys(args ?? {}).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
}

/**
 * A body sent to a route that takes none (GET, DELETE, a bodiless POST) is a 400, not ignored
 *: silently dropped input hides client bugs and smuggling attempts, and the
 * contract is that what a route does not accept is refused. Runs before pipes and the handler,
 * so nothing has happened when it refuses. Which routes take a body is read from the handler's
 * own `@Body()` declaration, so a new route needs no list.
 */
@Injectable()
export class RejectUnexpectedBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && sentBody(context.switchToHttp().getRequest<Request>()) && !takesBody(context)) {
      throw new ProblemException(400, { detail: 'This route takes no request body.' });
    }
    return next.handle();
  }
}
