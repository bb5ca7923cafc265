import { QueryRunnerAlreadyReleasedError } from 'typeorm';

/**
 * PostgreSQL error codes that mean "the database cannot answer now", not "this request is wrong":
 * the server is shutting down or restarting, our backend was terminated (pg_terminate_backend),
 * too many connections, a statement cancelled by statement_timeout, a lock not granted within
 * lock_timeout, and the whole connection-exception class (08xxx).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '55P03', '53300', '53400']);

/** Socket errors of a database that is down or unreachable; SQLite still locked after its busy timeout. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'SQLITE_BUSY',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres and pg-pool signal a lost or never-made connection by message only. */
const UNAVAILABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end)/;

function codeOf(error: object): unknown {
  return (error as { code?: unknown }).code;
}

/** True when `error` (or the driver error TypeORM wraps) says the database is down or too slow. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const driverError = (error as { driverError?: unknown }).driverError;
  for (const candidate of [error, driverError]) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const code = codeOf(candidate);
    if (
      typeof code === 'string' &&
      (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || UNAVAILABLE_SOCKET_CODES.has(code))
    )
      return true;
    // TypeORM's own sign of a lost connection: its error listener releases the query runner whose
    // connection failed, and that runner's next statement (the count of `getManyAndCount`, a
    // transaction's next step) fails with this instead of a connection error.
    if (candidate instanceof QueryRunnerAlreadyReleasedError) return true;
    const message = (candidate as { message?: unknown }).message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
  }
  return false;
}
