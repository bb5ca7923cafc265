import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { AuditVerifier } from '../../src/audit/audit-verifier.js';
import { accessTokenFrom, portOf, registerFrom } from '../support/clients.js';
import { httpFrom, type RawResponse } from '../support/http-from.js';
import { PostgresWireProxy } from '../support/postgres-wire-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../support/test-database.js';

const STATEMENT_TIMEOUT_MS = 1000;
/** The audit chain's advisory lock (src/audit/audit-store.ts). */
const CHAIN_LOCK_ID = 7_140_343;

async function apiKeyOf(port: number): Promise<Record<string, string>> {
  const user = await registerFrom(port, '127.0.0.1', 'faults');
  const bearer = { Authorization: `Bearer ${await accessTokenFrom(port, '127.0.0.1', user, [])}` };
  const res = await httpFrom(port, {
    method: 'POST',
    path: '/api/v1/api-keys',
    headers: bearer,
    body: { name: 'faults', scopes: ['notes:read'] },
  });
  assert.equal(res.status, 201, res.body);
  return { 'X-API-Key': res.json<{ key: string }>().key };
}

async function withAdmin<T>(url: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** The app's own backends on its database, ended as an administrator would. */
function terminateAppBackends(admin: pg.Client): Promise<unknown> {
  return admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
}

/**
 * PostgreSQL failing at the exact points the group commit and the pool are weakest, through a
 * relay that speaks the wire protocol (test/support/postgres-wire-proxy.ts): the process stays up,
 * no event is recorded twice, an outage costs each request about one timeout, not one per event
 * of its batch.
 */
describe('PostgreSQL failing at the worst moment', { skip: TEST_DATABASE_KIND !== 'postgres' && 'PostgreSQL only' }, () => {
  let db: TestDatabase;
  let proxy: PostgresWireProxy;
  let t: TestApp;
  let port: number;
  let apiKey: Record<string, string>;
  const uncaught: unknown[] = [];
  const recordUncaught = (error: unknown) => uncaught.push(error);

  before(async () => {
    process.on('uncaughtException', recordUncaught);
    db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = new PostgresWireProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    t = await startTestApp(
      { DATABASE_URL: proxy.urlThrough(db.url), DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) },
      {},
      db,
    );
    port = portOf(t);
    apiKey = await apiKeyOf(port);
  });
  after(async () => {
    process.off('uncaughtException', recordUncaught);
    await t?.close();
    await proxy?.stop();
    await db?.drop();
  });

  const read = (): Promise<RawResponse> => httpFrom(port, { path: '/api/v1/notes', headers: apiKey });

  it('a connection terminated as the pool hands it out fails its request, not the process', async () => {
    // Idle connections gone, so the next request needs a new one, which the relay fails.
    await withAdmin(db.url, terminateAppBackends);
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.failAfterStartup = true;
    let failed: RawResponse;
    try {
      failed = await read();
    } finally {
      proxy.failAfterStartup = false;
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(uncaught, [], 'an error event with no listener ends the process');
    assert.equal(failed.status, 503, failed.body);
    assert.equal((await read()).status, 200, 'the pool recovers with a fresh connection');
  });

  it('an audit batch whose COMMIT reply is lost is not written again: no request recorded twice', async () => {
    let batchEvents = 0;
    let cutAt = 0;
    proxy.decide = (type, sql) => {
      if (type === 'Q' && sql.startsWith('BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock')) batchEvents = 0;
      if (type === 'P' && sql.startsWith('INSERT INTO "audit_events"')) batchEvents = sql.split('), (').length;
      if (cutAt === 0 && type === 'Q' && sql === 'COMMIT' && batchEvents >= 2) {
        cutAt = batchEvents;
        return 'forward-then-cut';
      }
      return 'forward';
    };
    const responses: RawResponse[] = [];
    try {
      for (let round = 0; round < 10 && cutAt === 0; round++)
        responses.push(...(await Promise.all(Array.from({ length: 30 }, read))));
    } finally {
      proxy.decide = () => 'forward';
    }
    assert.ok(cutAt >= 2, 'no batch of several events was cut: the test proved nothing');
    const ids = responses.map((res) => String(res.headers['x-request-id']));
    const recorded = await withAdmin(db.url, async (admin) => {
      const rows = await admin.query<{ request_id: string; n: number }>(
        'SELECT request_id, count(*)::int AS n FROM audit_events WHERE request_id = ANY($1) GROUP BY request_id',
        [ids],
      );
      return new Map(rows.rows.map((row) => [row.request_id, row.n]));
    });
    const twice = ids.filter((id) => (recorded.get(id) ?? 0) > 1);
    assert.deepEqual(twice, [], 'requests recorded twice');
    const answeredUnrecorded = responses.filter((res) => res.status < 300 && !recorded.has(String(res.headers['x-request-id'])));
    assert.equal(answeredUnrecorded.length, 0, 'a 2xx without its event');
    assert.ok(
      responses.some((res) => res.status === 503),
      'the requests of the cut batch were refused',
    );
    assert.equal((await t.app.get(AuditVerifier).verify()).valid, true);
  });

  it('with the chain lock held elsewhere, each request of a batch is refused after about one timeout', async () => {
    const responses = await withAdmin(db.url, async (admin) => {
      await admin.query('SELECT pg_advisory_lock($1)', [CHAIN_LOCK_ID]);
      try {
        return await Promise.all(
          Array.from({ length: 12 }, async () => {
            const started = Date.now();
            const res = await read();
            return { status: res.status, ms: Date.now() - started };
          }),
        );
      } finally {
        await admin.query('SELECT pg_advisory_unlock($1)', [CHAIN_LOCK_ID]);
      }
    });
    assert.ok(
      responses.every((res) => res.status === 503),
      JSON.stringify(responses),
    );
    // One batch waits one timeout; a batch retried event by event would wait one per event.
    const slowest = Math.max(...responses.map((res) => res.ms));
    assert.ok(slowest < 4 * STATEMENT_TIMEOUT_MS, `the slowest refusal took ${slowest} ms`);
    assert.equal((await read()).status, 200, 'answers again once the lock is released');
  });
});

describe(
  'a database whose default isolation is REPEATABLE READ',
  { skip: TEST_DATABASE_KIND !== 'postgres' && 'PostgreSQL only' },
  () => {
    let db: TestDatabase;

    before(async () => {
      db = await createTestDatabase();
    });
    after(async () => db?.drop());

    it('is refused at boot, naming the setting and how to fix it: the audit chain needs READ COMMITTED', async () => {
      const name = new URL(db.url).pathname.slice(1);
      await withAdmin(db.url, (admin) =>
        admin.query(`ALTER DATABASE "${name}" SET default_transaction_isolation = 'repeatable read'`),
      );
      await assert.rejects(
        startTestApp({}, {}, db),
        /runs this role's transactions at "repeatable read".*default_transaction_isolation = 'read committed'/,
      );
      // Once the database is set as the app needs, the same start succeeds.
      await withAdmin(db.url, (admin) => admin.query(`ALTER DATABASE "${name}" RESET default_transaction_isolation`));
      const t = await startTestApp({}, {}, db);
      await t.close();
    });
  },
);
