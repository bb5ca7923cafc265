import type pg from 'pg';

/**
 * What every connection of the app's PostgreSQL pool gets from its first byte on
 * (data-source-options.ts passes both to node-postgres's pool).
 *
 * READ COMMITTED for every transaction that does not name its level, whatever the database's
 * `default_transaction_isolation` says. The audit chain needs it: a state-changing request takes
 * the chain lock and then reads the chain head inside its own transaction (audit-store.ts,
 * `appendWithin`), and only under READ COMMITTED does that read see the appends committed while
 * the lock was awaited; under REPEATABLE READ or SERIALIZABLE it reads the head of its first
 * statement's snapshot, and nearly every write fails on the chain's unique sequence number. Sent
 * as a startup parameter, so it costs no round trip. A `DATABASE_URL` that sets `options` itself
 * takes precedence (node-postgres reads the URL last).
 */
export const POSTGRES_SESSION_OPTIONS = '-c default_transaction_isolation=read\\ committed';

/**
 * An 'error' listener on every pooled connection for its whole life. node-postgres emits 'error'
 * on a connection that fails (our backend terminated, the socket cut), and an 'error' event
 * without a listener ends the process. The pool listens only while a connection is idle, and
 * whoever checks one out (TypeORM, postgres-pool.ts) can attach a listener only after its `await`:
 * when the server's "ready" and its termination arrive in one read, the failure is parsed in
 * between, with nobody listening. The error itself needs no handling
 * here: node-postgres also fails the statement in flight with it, and the pool or the caller
 * discards the connection (postgres-pool.ts `withPooledClient`).
 */
export function onPostgresConnect(client: pg.PoolClient): void {
  client.on('error', ignoreHere);
}

function ignoreHere(): void {}
