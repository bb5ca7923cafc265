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
 * SQLSTATEs after which a connection is not given back to the pool: the connection classes (08,
 * and 57P0x: the server shutting down or our backend terminated), and a prepared statement the
 * server no longer has (26000: a pooler or DISCARD dropped it, but node-postgres still believes
 * it prepared) or whose cached plan no longer fits its table (0A000, after another instance's
 * migration). A fresh connection prepares the statement again; a statement timeout (57014) or a
 * lock not granted (55P03) leaves the connection healthy, so it stays.
 */
function spoilsConnection(error: unknown): boolean {
  const cause = (error as { driverError?: unknown }).driverError ?? error;
  const { severity, code } = (cause ?? {}) as { severity?: unknown; code?: unknown };
  // Not an error the server sent: the socket or the client failed.
  if (typeof severity !== 'string') return true;
  return typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code === '26000' || code === '0A000');
}

/**
 * Runs `work` on a client checked out of the pool, and always returns it: healthy, or, after an
 * error that spoils it (or when `work` says so through `discard`), destroyed. A socket that dies
 * while the client is checked out makes node-postgres emit 'error' (which no longer ends the
 * process: postgres-connection-setup.ts); the listener added here remembers it, so that client is
 * destroyed on release, not handed to the next caller.
 */
export async function withPooledClient<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient, discard: (reason: Error) => void) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let spoiled: Error | undefined;
  const discard = (reason: Error) => (spoiled ??= reason);
  client.on('error', discard);
  try {
    return await work(client, discard);
  } catch (error) {
    if (spoilsConnection(error)) discard(error instanceof Error ? error : new Error('database connection failed'));
    throw error;
  } finally {
    client.off('error', discard);
    client.release(spoiled);
  }
}

/**
 * Runs one statement on a checked-out client and fails as TypeORM's `query()` would: a
 * QueryFailedError wrapping the driver's error, so callers, the problem mapper and the "database
 * unavailable" mapping see the same error whichever path ran.
 */
export async function runStatement(
  client: pg.PoolClient,
  statement: string,
  values: readonly unknown[],
): Promise<Record<string, unknown>[]> {
  try {
    const result = await client.query<Record<string, unknown>>(statement as unknown as pg.QueryConfig, values as unknown[]);
    return result.rows;
  } catch (error) {
    throw new QueryFailedError(String(statement), values as unknown[], error as Error);
  }
}
