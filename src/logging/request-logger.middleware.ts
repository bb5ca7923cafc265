import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { elapsedMs, requestIdOf } from '../http/request-id.middleware.js';

type WithLog = Request & { log?: Logger };

/**
 * Gives each request its logger (a child of the root bound to the request id, which nestjs-pino
 * then makes the logger of every line written while the request is handled) and, when `info`
 * is enabled, writes one line per finished request. It replaces pino-http, which serialised the
 * whole request into a second child logger on every request even when no line would be written:
 * 30 % of a health check's CPU (docs/performance.md). Liveness probes get no line: they would
 * drown the log.
 */
export function requestLoggerMiddleware(root: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const log = root.child({ requestId: requestIdOf(req) });
    (req as WithLog).log = log;
    if (log.isLevelEnabled('info') && !req.url.startsWith('/health/')) {
      const done = () => {
        res.off('finish', done);
        res.off('close', done);
        log.info(
          {
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
