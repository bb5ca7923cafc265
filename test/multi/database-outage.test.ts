import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AuditVerifier } from '../../src/audit/audit-verifier.js';
import { loadConfig } from '../../src/config/load-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { runMigrations } from '../../src/database/run-migrations.js';
import { accessTokenFrom, loginFrom, portOf, registerFrom } from '../support/clients.js';
import { httpFrom, type RawRequest, type RawResponse } from '../support/http-from.js';
import { strongPassword, type Account } from '../support/identity.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../support/test-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/tls-client.js';

/** DATABASE_STATEMENT_TIMEOUT_MS for this suite: short, so a lock costs two seconds, not five. */
const STATEMENT_TIMEOUT_MS = 2000;
/** A request answered within this is bounded; one still unanswered after HUNG_MS is hanging. */
const BOUND_MS = 3 * STATEMENT_TIMEOUT_MS + 1000;
const HUNG_MS = 15_000;

type Timed = RawResponse & { ms: number };

/** The response, or status 0 if none came within HUNG_MS (the request hangs). */
async function timed(port: number, request: RawRequest): Promise<Timed> {
  const started = performance.now();
  const hung: RawResponse = { status: 0, headers: {}, body: 'no answer', json: () => ({}) as never };
  const res = await Promise.race([
    httpFrom(port, request),
    new Promise<RawResponse>((resolve) => setTimeout(() => resolve(hung), HUNG_MS).unref()),
  ]);
  return Object.assign(res, { ms: Math.round(performance.now() - started) });
}

/** What a database-down answer must look like for every route class. */
function assertUnavailable(route: string, res: Timed): void {
  assert.equal(res.status, 503, `${route}: ${res.status} after ${res.ms} ms ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, route);
  assert.match(String(res.headers['retry-after']), /^\d+$/, `${route}: Retry-After`);
  // The request id is a random UUID, which may well contain "5432": only the rest is searched.
  const withoutRequestId = res.body.replace(/"requestId":"[0-9a-f-]{36}"/, '');
  assert.doesNotMatch(
    withoutRequestId,
    /postgres|ECONN|terminat|timeout|SELECT|INSERT|lock|5432|stack/i,
    `${route}: no internals`,
  );
  assert.ok(res.ms < BOUND_MS, `${route} took ${res.ms} ms`);
}

/**
 * PostgreSQL down or slow (docs/operations.md, "Database down or slow"), with the fault where it
 * is: the application reaches PostgreSQL through a loopback TCP relay the test cuts and restores,
 * and an admin session on the same database terminates backends or holds table locks. Every route
 * class must answer a 503 problem with Retry-After within a bound (never a 500, never a hang),
 * readiness must follow the database, a refused write must have changed nothing, the service must
 * recover without a restart, and the audit chain must verify afterwards.
 */
describe(
  'PostgreSQL down or slow: bounded 503s with Retry-After, nothing half-written, recovery without restart',
  {
    skip: TEST_DATABASE_KIND !== 'postgres' && 'PostgreSQL only (TEST_DATABASE=postgres)',
  },
  () => {
    let db: TestDatabase;
    let proxy: TcpProxy;
    let t: TestApp;
    let port: number;
    let admin: pg.Client;
    let user: Account;
    let bearer: Record<string, string>;
    let apiKey: Record<string, string>;
    let metricsKey: Record<string, string>;
    const operator = { email: 'pgfault-admin@example.com', password: strongPassword() };
    /** Note titles sent while the database was down: none may exist afterwards. */
    const refusedTitles: string[] = [];

    /** One request per route class; writes carry fresh identifiers to look for afterwards. */
    const routeClasses = (): Record<string, RawRequest> => {
      const email = `refused-${randomBytes(4).toString('hex')}@example.com`;
      const title = `refused-${randomBytes(4).toString('hex')}`;
      refusedTitles.push(title);
      return {
        'public login': { method: 'POST', path: '/api/v1/auth/login', body: { email: user.email, password: user.password } },
        'public register': {
          method: 'POST',
          path: '/api/v1/auth/register',
          body: { email, password: strongPassword(), displayName: 'refused' },
        },
        'bearer read': { path: '/api/v1/auth/me', headers: bearer },
        'bearer write': { method: 'POST', path: '/api/v1/notes', headers: bearer, body: { title, body: 'refused' } },
        'API-key read': { path: '/api/v1/notes', headers: apiKey },
        metrics: { path: '/metrics', headers: metricsKey },
      };
    };
    const sendAll = async (requests: Record<string, RawRequest>): Promise<[string, Timed][]> =>
      Promise.all(
        Object.entries(requests).map(async ([route, request]) => [route, await timed(port, request)] as [string, Timed]),
      );

    const everythingWorks = async () => {
      assert.equal((await httpFrom(port, { path: '/api/v1/auth/me', headers: bearer })).status, 200);
      assert.equal((await httpFrom(port, { path: '/api/v1/notes', headers: apiKey })).status, 200);
      assert.equal((await httpFrom(port, { path: '/metrics', headers: metricsKey })).status, 200);
      assert.equal((await loginFrom(port, '127.0.0.1', user)).status, 200);
      const note = await httpFrom(port, {
        method: 'POST',
        path: '/api/v1/notes',
        headers: bearer,
        body: { title: 'ok', body: 'ok' },
      });
      assert.equal(note.status, 201, note.body);
      await registerFrom(port, '127.0.0.1', 'pgfault-after');
    };
    const nothingChanged = async () => {
      const count = async (sql: string, values: unknown[]) => (await admin.query<{ n: number }>(sql, values)).rows[0]!.n;
      // Display names and titles are stored in clear (note bodies are encrypted): the controls
      // show these lookups do find rows, so the zeros below mean something.
      assert.ok((await count('SELECT count(*)::int AS n FROM users WHERE display_name = $1', ['pgfault tester'])) >= 1);
      assert.ok((await count('SELECT count(*)::int AS n FROM notes WHERE title = $1', ['ok'])) >= 1);
      assert.equal(
        await count('SELECT count(*)::int AS n FROM users WHERE display_name = $1', ['refused']),
        0,
        'a registration answered 503 created no account',
      );
      assert.equal(
        await count('SELECT count(*)::int AS n FROM notes WHERE title = ANY($1)', [refusedTitles]),
        0,
        'a note creation answered 503 created no note',
      );
    };
    /** The application's backends on the test database (the admin session excluded). */
    const appBackends = async (where = 'true') =>
      (
        await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND ${where}`,
        )
      ).rows.map((row) => row.pid);

    before(async () => {
      db = await createTestDatabase();
      const target = new URL(db.url);
      proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
      await proxy.start();
      const throughProxy = new URL(db.url);
      throughProxy.host = `127.0.0.1:${proxy.port}`;
      t = await startTestApp(
        {
          DATABASE_URL: throughProxy.toString(),
          DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
          BOOTSTRAP_ADMIN_EMAIL: operator.email,
          BOOTSTRAP_ADMIN_PASSWORD: operator.password,
        },
        {},
        db,
      );
      port = portOf(t);
      admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      user = await registerFrom(port, '127.0.0.1', 'pgfault');
      // A full token: the operator (an admin) enrols its second factor on first login.
      const tokenOf = async (account: Pick<Account, 'email' | 'password'>) => ({
        Authorization: `Bearer ${await accessTokenFrom(port, '127.0.0.1', account)}`,
      });
      const keyFor = async (owner: Record<string, string>, scopes: string[]) => {
        const res = await httpFrom(port, {
          method: 'POST',
          path: '/api/v1/api-keys',
          headers: owner,
          body: { name: 'pgfault', scopes },
        });
        assert.equal(res.status, 201, res.body);
        return { 'X-API-Key': res.json<{ key: string }>().key };
      };
      bearer = await tokenOf(user);
      apiKey = await keyFor(bearer, ['notes:read']);
      metricsKey = await keyFor(await tokenOf(operator), ['metrics:read']);
    });
    after(async () => {
      await admin?.query('ROLLBACK').catch(() => undefined);
      await admin?.end();
      await t?.close();
      await proxy?.cut();
      await db?.drop();
    });

    it('answers every route class with a 503 problem and Retry-After while PostgreSQL is unreachable; live 200, ready 503', async () => {
      await proxy.cut();
      for (const [route, res] of await sendAll(routeClasses())) assertUnavailable(route, res);
      const ready = await timed(port, { path: '/health/ready' });
      assert.equal(ready.status, 503, 'a load balancer stops sending');
      assert.ok(ready.ms < BOUND_MS);
      assert.equal((await httpFrom(port, { path: '/health/live' })).status, 200, 'not restarted: the process is fine');
    });

    it('recovers without a restart once PostgreSQL is reachable again, with nothing refused kept', async () => {
      await proxy.restore();
      await waitFor(async () => (await httpFrom(port, { path: '/health/ready' })).status === 200, 10_000, 'ready again');
      await everythingWorks();
      await nothingChanged();
    });

    it('bounds requests on locked tables: 503 with Retry-After within the statement timeout, never a hang, ready stays 200', async () => {
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE users, notes, api_keys IN ACCESS EXCLUSIVE MODE');
      try {
        for (const [route, res] of await sendAll(routeClasses())) assertUnavailable(route, res);
        // The database answers (its tables are merely locked): taking the instance out would not help.
        assert.equal((await httpFrom(port, { path: '/health/ready' })).status, 200);
      } finally {
        await admin.query('ROLLBACK');
      }
      await everythingWorks();
      await nothingChanged();
    });

    it('answers 503 with Retry-After when its backends are terminated mid-request, and recovers at once', async () => {
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE users, notes, api_keys IN ACCESS EXCLUSIVE MODE');
      let terminated = 0;
      try {
        const answers = sendAll(routeClasses());
        // Terminate as soon as requests are waiting on the lock, well inside their statement timeout.
        await waitFor(
          async () => (await appBackends("wait_event_type = 'Lock'")).length >= 3,
          STATEMENT_TIMEOUT_MS,
          'requests waiting on the lock',
        );
        const result = await admin.query<{ ok: boolean }>(
          'SELECT pg_terminate_backend(pid) AS ok FROM unnest($1::int[]) AS pid',
          [await appBackends()],
        );
        terminated = result.rows.filter((row) => row.ok).length;
        for (const [route, res] of await answers) assertUnavailable(route, res);
      } finally {
        await admin.query('ROLLBACK');
      }
      assert.ok(terminated >= 3, `${terminated} backends terminated`);
      // The pool drops the dead connections and opens new ones: no restart, no lingering errors.
      assert.equal((await httpFrom(port, { path: '/health/ready' })).status, 200);
      await everythingWorks();
      await nothingChanged();
    });

    it('leaves the audit chain intact after every fault', async () => {
      const verification = await t.app.get(AuditVerifier).verify();
      assert.equal(verification.valid, true, `chain broken at ${verification.firstInvalidId}`);
      assert.ok(verification.checked > 10, `${verification.checked} events checked`);
    });
  },
);

/** MIGRATION_LOCK_ID in src/database/run-migrations.ts. */
const MIGRATION_LOCK_ID = 7_140_342;

describe(
  'DATABASE_STATEMENT_TIMEOUT_MS bounds requests, not migrations',
  {
    skip: TEST_DATABASE_KIND !== 'postgres' && 'PostgreSQL only (TEST_DATABASE=postgres)',
  },
  () => {
    let db: TestDatabase;
    let admin: pg.Client;
    let dataSource: DataSource | undefined;
    before(async () => {
      db = await createTestDatabase();
      admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
    });
    after(async () => {
      await dataSource?.destroy();
      await admin?.end();
      await db?.drop();
    });

    it('waits for another instance migrating for longer than the timeout, then applies, and restores the bound', async () => {
      const config = loadConfig({ NODE_ENV: 'test', ...db.secrets, DATABASE_URL: db.url, DATABASE_STATEMENT_TIMEOUT_MS: '100' });
      dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
      // Another instance "migrating": it holds the migration lock ten times longer than the bound.
      await admin.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      const applied = runMigrations(dataSource);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await admin.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
      assert.ok((await applied).length > 0, 'migrations applied after the wait');
      // The session that migrated went back to the pool with the configured bound, not without one.
      const [row] = (await dataSource.query('SHOW statement_timeout')) as { statement_timeout: string }[];
      assert.equal(row!.statement_timeout, '100ms');
      await assert.rejects(dataSource.query('SELECT pg_sleep(1)'), /statement timeout/);
    });
  },
);
