import type pg from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The database's default isolation is not READ COMMITTED: refused at boot, saying how to fix it.
 * Not retried: waiting does not change a setting.
 */
export class IsolationLevelError extends Error {
  constructor(found: string) {
    super(
      `PostgreSQL runs this role's transactions at "${found}" by default; the app needs "read committed" ` +
        '(docs/operations.md "Database down or slow"): ALTER ROLE <app role> SET default_transaction_isolation = \'read committed\'',
    );
  }
}

/**
 * Checked once at boot (database.module.ts): the app's transactions that do not name their level
 * must run at READ COMMITTED. The audit chain needs it: a state-changing request takes the chain
 * lock and then reads the chain head inside its own transaction (audit-store.ts, `appendWithin`),
 * and only under READ COMMITTED does that read see the appends committed while the lock was
 * awaited; under REPEATABLE READ or SERIALIZABLE it reads the head of its first statement's
 * snapshot, and nearly every write fails on the chain's unique sequence number.
 *
 * Checked rather than set: a startup parameter (`options=-c …`) is refused by PgBouncer, whose
 * transaction mode the docs support, and would replace an operator's `PGOPTIONS` or the `options`
 * of `DATABASE_URL`; naming the level on every transaction would cost a round trip each. The
 * check reads what a transaction here would get, so it also catches a role, a database or an
 * `options` setting that changes the level.
 */
export async function requireReadCommittedDefault(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') return;
  const rows = (await dataSource.query('SHOW default_transaction_isolation')) as { default_transaction_isolation: string }[];
  const found = rows[0]?.default_transaction_isolation ?? 'unknown';
  if (found !== 'read committed') throw new IsolationLevelError(found);
}

/**
 * An 'error' listener on every pooled connection for its whole life (data-source-options.ts
 * passes this to node-postgres's pool as `onConnect`). node-postgres emits 'error' on a
 * connection that fails (our backend terminated, the socket cut), and an 'error' event without a
 * listener ends the process. The pool listens only while a connection is idle, and whoever checks
 * one out (TypeORM, postgres-pool.ts) can attach a listener only after its `await`: when the
 * server's "ready" and its termination arrive in one read, the failure is parsed in between, with
 * nobody listening. The error itself needs no handling here: node-postgres also fails the
 * statement in flight with it, and the pool or the caller discards the connection
 * (postgres-pool.ts `withPooledClient`).
 */
export function onPostgresConnect(client: pg.PoolClient): void {
  client.on('error', ignoreHere);
}

function ignoreHere(): void {}
