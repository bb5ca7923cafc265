import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { correlationIdOf, elapsedMs, requestIdOf } from '../http/request-id.middleware.js';

/**
 * One line per finished request when `info` is enabled, with its request id, method, path,
 * status and duration (ASVS 16.2.1). It replaces pino-http, which built two child loggers and
 * serialised the whole request on every request even when no line would be written (17 % of a
 * health check's CPU), and it binds no async context: lines written while a request is handled
 * carry its id because the code that writes them passes it (src/http/client-context.ts).
 * Liveness probes get no line: they would drown the log.
 */
export function requestLoggerMiddleware(root: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (root.isLevelEnabled('info') && !req.url.startsWith('/health/')) {
      const done = () => {
        res.off('finish', done);
        res.off('close', done);
        root.info(
          {
            requestId: requestIdOf(req),
            // The client's own X-Request-Id, when it sent a valid one (request-id.middleware.ts).
            correlationId: correlationIdOf(req),
            // Only what an operator needs: the query string may carry user input, the body is never logged.
            req: { method: req.method, path: req.originalUrl.split('?')[0], remoteAddress: req.socket.remoteAddress },
            res: { statusCode: res.statusCode },
            responseTime: elapsedMs(req),
            ...(res.writableFinished ? {} : { aborted: true }),
          },
          'request completed',
        );
      };
      res.on('finish', done);
      res.on('close', done);
    }
    next();
  };
}
