import type { LoggerOptions } from 'pino';
import { serializeError } from './error-serializer.js';

/**
 * Everything that could be a credential is removed before a line is written (ASVS 16.2.5,
 * OWASP Logging Cheat Sheet): headers carrying tokens or keys, and any field named like a secret.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  // A DPoP proof (RFC 9449) is a credential for one request; it has no business in a log.
  'req.headers.dpop',
  'res.headers["set-cookie"]',
  ...['password', 'currentPassword', 'newPassword', 'token', 'accessToken', 'refreshToken', 'secret', 'key', 'apiKey'].flatMap(
    (field) => [field, `*.${field}`],
  ),
];

/**
 * The root logger's options (nestjs-pino builds the root from them). Errors logged under `err`
 * (and `error`, in case someone writes that) go through serializeError: class, code, request id
 * from the caller, never a query, its parameters or the driver's error (error-serializer.ts).
 */
export function buildPinoOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
}
