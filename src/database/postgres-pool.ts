import type pg from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';
import { runsOnPooledConnection } from './request-transaction.js';

/**
 * node-postgres's own pool, under TypeORM's PostgreSQL driver: the same connections, with the same
 * statement, lock and pool-wait timeouts (data-source-options.ts). The two hottest paths on
 * PostgreSQL use it directly (docs/performance.md, "PostgreSQL"): the compiled reads
 * (compiled-select.ts) and the audit trail's group commit (src/audit/audit-store.ts). Through a
 * TypeORM query runner every statement also pays a runner object, an acquire and a release of its
 * own, a query broadcaster and a result wrapper: a profile of the note read on PostgreSQL put
 * TypeORM's own time at about a quarter of the database path's.
 */
export function postgresPool(dataSource: DataSource): pg.Pool | undefined {
  if (dataSource.options.type !== 'postgres') return undefined;
  return (dataSource.driver as unknown as { master: pg.Pool }).master;
}

/** The pool, when a statement issued now may use it (runsOnPooledConnection); otherwise undefined. */
export function poolForStatementNow(dataSource: DataSource): pg.Pool | undefined {
  return runsOnPooledConnection(dataSource) ? postgresPool(dataSource) : undefined;
}

/**
 * Runs one statement on `target` (the pool, or a client taken from it) and fails as TypeORM's
 * `query()` would: a QueryFailedError wrapping the driver's error, so callers, the problem mapper
 * and the "database unavailable" mapping see the same error whichever path ran.
 */
export async function runStatement(
  target: pg.Pool | pg.PoolClient,
  statement: string,
  values: readonly unknown[],
): Promise<Record<string, unknown>[]> {
  try {
    const result = await target.query<Record<string, unknown>>(statement as unknown as pg.QueryConfig, values as unknown[]);
    return result.rows;
  } catch (error) {
    throw new QueryFailedError(String(statement), values as unknown[], error as Error);
  }
}
