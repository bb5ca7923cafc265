import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { redisKeyPrefix } from '../../src/shared-state/redis-key-prefix.js';
import { startInstance, type AppInstance } from '../support/app-instances.js';
import { accessTokenFrom, loginFrom, registerFrom } from '../support/clients.js';
import { httpFrom, type RawRequest, type RawResponse } from '../support/http-from.js';
import { strongPassword, type Account } from '../support/identity.js';
import { RedisKeys } from '../support/redis-keys.js';
import { SKIP_WITHOUT_REDIS, TEST_REDIS_URL } from '../support/redis-required.js';
import { redisThroughProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/tls-client.js';

/**
 * Each Redis command has a one-second deadline, so without the breaker every request below
 * would take at least one second (two for a public or API-key request, three for a bearer one).
 * Half of that bounds "at once" with room for a loaded CI machine; it is a bound, not a benchmark.
 */
const FAST_MS = 500;
/** REDIS_BREAKER_FAILURES, the default, spelled out so the test says what it relies on. */
const FAILURES = 3;
/** commandTimeout in src/shared-state/redis-state-store.ts. */
const COMMAND_DEADLINE_MS = 1000;
const DEGRADED_LOG = 'shared state degraded';
const RECOVERED_LOG = 'shared state recovered';

async function timed(port: number, request: RawRequest): Promise<RawResponse & { ms: number }> {
  const started = performance.now();
  const res = await httpFrom(port, request);
  return Object.assign(res, { ms: performance.now() - started });
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/**
 * A hung Redis (it accepts connections and commands but answers nothing, e.g. stuck in a long
 * script or behind a stalled link) must cost no more than the breaker's trip time
 * (docs/operations.md, "When Redis is unreachable"). Two `node build/src/main.js` processes on
 * one PostgreSQL database: A talks to Redis directly, B through a loopback relay that the test
 * makes hang and then restores. After REDIS_BREAKER_FAILURES timeouts B answers in its
 * documented degraded mode at once: public and API-key routes on per-instance counters,
 * bearer requests and logins refused with 503 (fail closed), readiness down, the gauge at 1.
 */
describe(
  'Redis hanging: the circuit breaker answers at once in the documented degraded mode',
  { skip: SKIP_WITHOUT_REDIS },
  () => {
    let db: TestDatabase;
    let proxy: TcpProxy;
    let a: AppInstance;
    let b: AppInstance;
    let keys: RedisKeys;
    let prefix: string;
    let user: Account;
    let bearer: Record<string, string>;
    let revokedBearer: Record<string, string>;
    let apiKey: Record<string, string>;
    let metricsKey: Record<string, string>;

    const degradedGauge = async (): Promise<number> => {
      const res = await httpFrom(b.port, { path: '/metrics', headers: metricsKey, from: '127.0.0.90' });
      assert.equal(res.status, 200, res.body);
      const match = /^shared_state_degraded (\d+)$/m.exec(res.body);
      assert.ok(match, 'shared_state_degraded is exported');
      return Number(match[1]);
    };
    // A full token: the admin enrols its second factor on first login (MFA_REQUIRED_ROLES defaults to admin).
    const tokenOn = async (port: number, from: string, account: Pick<Account, 'email' | 'password'>) => ({
      Authorization: `Bearer ${await accessTokenFrom(port, from, account)}`,
    });
    const keyFor = async (owner: Record<string, string>, scopes: string[]) => {
      const res = await httpFrom(a.port, {
        method: 'POST',
        path: '/api/v1/api-keys',
        headers: owner,
        from: '127.0.0.91',
        body: { name: `hang-${scopes[0]}`, scopes },
      });
      assert.equal(res.status, 201, res.body);
      return { 'X-API-Key': res.json<{ key: string }>().key };
    };

    before(async () => {
      db = await createTestDatabase();
      prefix = redisKeyPrefix(Buffer.from(db.secrets.API_KEY_PEPPER!, 'base64'));
      keys = new RedisKeys(TEST_REDIS_URL!);
      const relayed = await redisThroughProxy(TEST_REDIS_URL!);
      proxy = relayed.proxy;
      const throughProxy = relayed.url;
      const env = {
        ...db.secrets,
        DATABASE_URL: db.url,
        THROTTLE_DEFAULT_LIMIT: '1000',
        THROTTLE_AUTH_LIMIT: '1000',
      };
      const admin = { email: 'hang-admin@example.com', password: strongPassword() };
      a = await startInstance('A', {
        ...env,
        REDIS_URL: TEST_REDIS_URL!,
        BOOTSTRAP_ADMIN_EMAIL: admin.email,
        BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      });
      // LOG_LEVEL=info so the recovery line (info) is in B's output too.
      b = await startInstance('B', { ...env, REDIS_URL: throughProxy, LOG_LEVEL: 'info' });

      user = await registerFrom(a.port, '127.0.0.92', 'hang');
      bearer = await tokenOn(b.port, '127.0.0.92', user);
      revokedBearer = await tokenOn(b.port, '127.0.0.92', user);
      apiKey = await keyFor(bearer, ['notes:read']);
      metricsKey = await keyFor(await tokenOn(a.port, '127.0.0.91', admin), ['metrics:read']);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await proxy?.cut();
      await keys?.clear(prefix);
      await keys?.close();
      await db?.drop();
    });

    it('has the circuit closed while Redis answers: gauge 0, ready', async () => {
      assert.equal(await degradedGauge(), 0);
      assert.equal((await httpFrom(b.port, { path: '/health/ready' })).status, 200);
      assert.equal((await httpFrom(b.port, { path: '/api/v1/auth/me', headers: bearer, from: '127.0.0.93' })).status, 200);
    });

    it('opens the circuit after REDIS_BREAKER_FAILURES timed-out commands, and says so once: the hang costs only those', async () => {
      proxy.hang();
      // Each public request makes two Redis commands (IDS block, rate limit), one after the other:
      // the first request waits for two deadlines, the second for the third failure, which trips.
      const started = performance.now();
      const statuses: number[] = [];
      for (let i = 0; i < FAILURES; i++)
        statuses.push((await httpFrom(b.port, { path: '/.well-known/jwks.json', from: '127.0.0.94' })).status);
      const elapsed = performance.now() - started;
      assert.deepEqual(statuses, Array(FAILURES).fill(200), 'public routes keep serving');
      // Without the breaker these requests cost 2 × FAILURES deadlines; with it, FAILURES in all.
      assert.ok(elapsed < (FAILURES + 1) * COMMAND_DEADLINE_MS, `the trip took ${Math.round(elapsed)} ms`);
      assert.equal(await degradedGauge(), 1);
      await waitFor(() => b.output().includes(DEGRADED_LOG), 5000, 'the degraded log line');
    });

    it('answers API-key and public requests at once while Redis hangs', async () => {
      for (let i = 0; i < 5; i++) {
        const listed = await timed(b.port, { path: '/api/v1/notes', headers: apiKey, from: '127.0.0.95' });
        assert.equal(listed.status, 200, listed.body);
        assert.ok(listed.ms < FAST_MS, `API-key request took ${Math.round(listed.ms)} ms`);
        const jwks = await timed(b.port, { path: '/.well-known/jwks.json', from: '127.0.0.96' });
        assert.equal(jwks.status, 200);
        assert.ok(jwks.ms < FAST_MS, `public request took ${Math.round(jwks.ms)} ms`);
      }
    });

    it('refuses bearer requests with a fast 503 problem (fail closed), also for a token revoked meanwhile on another instance', async () => {
      // A, whose Redis answers, records a logout while B cannot read revocations.
      const logout = await httpFrom(a.port, {
        method: 'POST',
        path: '/api/v1/auth/logout',
        headers: revokedBearer,
        from: '127.0.0.97',
        body: {},
      });
      assert.equal(logout.status, 204, logout.body);
      for (const headers of [bearer, revokedBearer]) {
        const res = await timed(b.port, { path: '/api/v1/auth/me', headers, from: '127.0.0.97' });
        assert.equal(res.status, 503, 'never a token whose revocation cannot be checked');
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        assert.match(String(res.headers['retry-after']), /^\d+$/);
        assert.doesNotMatch(res.body, /redis|circuit|timed out/i, 'no internals in the body');
        assert.ok(res.ms < FAST_MS, `bearer request took ${Math.round(res.ms)} ms`);
      }
    });

    it('refuses logins with a fast 503 while the lockout cannot be checked', async () => {
      const started = performance.now();
      const res = await loginFrom(b.port, '127.0.0.98', user);
      const ms = performance.now() - started;
      assert.equal(res.status, 503);
      assert.ok(ms < FAST_MS, `login took ${Math.round(ms)} ms`);
    });

    it('reports not ready at once and the gauge at 1, with one log line for the whole outage', async () => {
      const ready = await timed(b.port, { path: '/health/ready' });
      assert.equal(ready.status, 503);
      assert.ok(ready.ms < FAST_MS, `readiness took ${Math.round(ready.ms)} ms`);
      assert.equal((await httpFrom(b.port, { path: '/health/live' })).status, 200);
      assert.equal(await degradedGauge(), 1);
      assert.equal(count(b.output(), DEGRADED_LOG), 1, 'logged once per transition, not per request');
    });

    it('closes the circuit when Redis answers again: everything works, and the revocation made during the outage holds', async () => {
      await proxy.restore();
      await waitFor(async () => (await httpFrom(b.port, { path: '/health/ready' })).status === 200, 10_000, 'B to be ready');
      assert.equal(await degradedGauge(), 0);
      assert.equal((await httpFrom(b.port, { path: '/api/v1/auth/me', headers: bearer, from: '127.0.0.99' })).status, 200);
      assert.equal(
        (await httpFrom(b.port, { path: '/api/v1/auth/me', headers: revokedBearer, from: '127.0.0.99' })).status,
        401,
        'the logout made on A during the outage is honoured on B',
      );
      assert.equal((await loginFrom(b.port, '127.0.0.99', user)).status, 200);
      await waitFor(() => b.output().includes(RECOVERED_LOG), 5000, 'the recovery log line');
      assert.equal(count(b.output(), RECOVERED_LOG), 1);
      assert.equal(count(b.output(), DEGRADED_LOG), 1);
    });
  },
);
