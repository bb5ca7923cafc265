import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redisKeyPrefix } from '../../src/shared-state/redis-key-prefix.js';
import { accessTokenFrom, burst, loginFrom, portOf, registerFrom } from '../support/clients.js';
import { httpFrom } from '../support/http-from.js';
import type { Account } from '../support/identity.js';
import { RedisKeys } from '../support/redis-keys.js';
import { SKIP_WITHOUT_REDIS, TEST_REDIS_URL } from '../support/redis-required.js';
import { redisThroughProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { freePort } from '../support/app-instances.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/tls-client.js';

const LIMIT = 5;

/**
 * The Redis failure policy (docs/operations.md): while Redis is unreachable, revocation and
 * lockout checks fail closed with a 503 problem (never a possibly revoked token or a locked
 * account let through; ASVS 16.5.2), readiness reports down, and rate limits and IDS counters
 * carry on in this instance's memory so every client stays limited. Redis sits behind a TCP
 * relay that the test cuts and restores.
 */
describe(
  'Redis outage: fail closed for tokens and lockouts, per-instance counters for limits',
  { skip: SKIP_WITHOUT_REDIS },
  () => {
    let proxy: TcpProxy;
    let t: TestApp;
    let port: number;
    let user: Account;
    let token: string;
    let keys: RedisKeys;

    before(async () => {
      const relayed = await redisThroughProxy(TEST_REDIS_URL!);
      proxy = relayed.proxy;
      t = await startTestApp({
        REDIS_URL: relayed.url,
        THROTTLE_DEFAULT_LIMIT: String(LIMIT),
        THROTTLE_DEFAULT_TTL: '3600',
      });
      port = portOf(t);
      keys = new RedisKeys(TEST_REDIS_URL!);
      user = await registerFrom(port, '127.0.0.81', 'outage');
      token = await accessTokenFrom(port, '127.0.0.82', user);
    });
    after(async () => {
      await t?.close();
      await keys?.clear(redisKeyPrefix(t.config.apiKeyPepper));
      await keys?.close();
      await proxy?.cut();
    });

    const me = () =>
      httpFrom(port, { path: '/api/v1/auth/me', from: '127.0.0.83', headers: { Authorization: `Bearer ${token}` } });

    it('reports Redis in /health/ready while it answers', async () => {
      const ready = await httpFrom(port, { path: '/health/ready' });
      assert.equal(ready.status, 200);
      assert.equal(ready.json<{ info: { redis: { status: string } } }>().info.redis.status, 'up');
      assert.equal((await me()).status, 200);
    });

    it('refuses bearer tokens with a 503 problem while revocations cannot be checked (fail closed)', async () => {
      await proxy.cut();
      const res = await me();
      assert.equal(res.status, 503);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.match(String(res.headers['retry-after']), /^\d+$/);
      assert.doesNotMatch(res.body, /redis|ECONNREFUSED|ioredis/i, 'no internals in the body');
    });

    it('refuses logins with 503 while the lockout cannot be checked', async () => {
      assert.equal((await loginFrom(port, '127.0.0.84', user)).status, 503);
    });

    it('reports not ready while Redis is unreachable, and stays live', async () => {
      assert.equal((await httpFrom(port, { path: '/health/ready' })).status, 503);
      assert.equal((await httpFrom(port, { path: '/health/live' })).status, 200);
    });

    it('keeps limiting every client on per-instance counters while Redis is unreachable', async () => {
      const statuses = await burst(LIMIT, () => httpFrom(port, { path: '/.well-known/jwks.json', from: '127.0.0.85' }));
      assert.deepEqual(statuses, Array(LIMIT).fill(200), 'public routes keep serving');
      assert.equal((await httpFrom(port, { path: '/.well-known/jwks.json', from: '127.0.0.85' })).status, 429);
    });

    it('serves bearer tokens again once Redis is back', async () => {
      await proxy.restore();
      await waitFor(async () => (await me()).status === 200, 10_000, 'Redis to be back');
      assert.equal((await httpFrom(port, { path: '/health/ready' })).status, 200);
    });
  },
);

describe('REDIS_URL pointing at a closed port', { skip: SKIP_WITHOUT_REDIS }, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  });
  after(async () => t?.close());

  it('starts, is live but not ready, refuses logins with 503 and still serves public routes', async () => {
    const port = portOf(t);
    assert.equal((await httpFrom(port, { path: '/health/live' })).status, 200);
    assert.equal((await httpFrom(port, { path: '/health/ready' })).status, 503);
    const login = await httpFrom(port, {
      method: 'POST',
      path: '/api/v1/auth/login',
      body: { email: 'someone@example.com', password: 'a long enough password here' },
    });
    assert.equal(login.status, 503);
    assert.equal((await httpFrom(port, { path: '/.well-known/jwks.json' })).status, 200);
  });
});
