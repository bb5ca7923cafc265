/**
 * What may be logged about a failed audit write: the error's class and the database's error code
 * (SQLSTATE on PostgreSQL, `SQLITE_*` on SQLite). Never the error itself: TypeORM's
 * QueryFailedError carries the statement and its parameters, i.e. the event being written.
 */
export function auditFailureReason(error: unknown): { name: string; code?: string } {
  const name = error instanceof Error ? error.name : typeof error;
  const driverError = (error as { driverError?: { code?: unknown } } | null)?.driverError;
  const code = driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' || typeof code === 'number' ? { name, code: String(code).slice(0, 32) } : { name };
}
