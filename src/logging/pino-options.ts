import type { IncomingMessage } from 'node:http';
import { levels } from 'pino';
import type { Options } from 'pino-http';
import type { Request } from 'express';
import { requestIdOf } from '../http/request-id.middleware.js';

/**
 * Everything that could be a credential is removed before a line is written (ASVS 16.2.5,
 * OWASP Logging Cheat Sheet): headers carrying tokens or keys, and any field named like a secret.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...['password', 'currentPassword', 'newPassword', 'token', 'accessToken', 'refreshToken', 'secret', 'key', 'apiKey'].flatMap(
    (field) => [field, `*.${field}`],
  ),
];

/** pino-http writes its one line per request at `info`. */
const REQUEST_LINE_LEVEL = levels.values.info!;

export function buildPinoHttpOptions(level: string): Options {
  // Above `info` the per-request line would be dropped anyway: skip the per-response work too.
  const requestLines = (levels.values[level] ?? Number.POSITIVE_INFINITY) <= REQUEST_LINE_LEVEL;
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    genReqId: (req: IncomingMessage) => requestIdOf(req as Request),
    customAttributeKeys: { reqId: 'requestId' },
    // Liveness probes would drown the log; everything else is logged once per request.
    autoLogging: requestLines && { ignore: (req) => (req.url ?? '').startsWith('/health/') },
    serializers: {
      // Only what an operator needs; the query string may carry user input, the body is never logged.
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        method: req.method,
        path: req.url.split('?')[0],
        remoteAddress: req.remoteAddress,
      }),
    },
  };
}
