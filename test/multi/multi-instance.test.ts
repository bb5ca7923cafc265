import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { redisKeyPrefix } from '../../src/shared-state/redis-key-prefix.js';
import { startInstance, type AppInstance } from '../support/app-instances.js';
import { burst, loginFrom, registerFrom } from '../support/clients.js';
import { httpFrom } from '../support/http-from.js';
import { RedisKeys } from '../support/redis-keys.js';
import { startSmtpSink, tokenOf, type SmtpSink } from '../support/smtp-sink.js';
import { SKIP_WITHOUT_REDIS, TEST_REDIS_URL } from '../support/redis-required.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const AUTH_LIMIT = 4;
const IDS_THRESHOLD = 6;

/**
 * Several instances behave as one (docs/architecture.md#shared-state-through-one-port, docs/operations.md): two `node build/src/main.js`
 * processes with the same secrets, one PostgreSQL database made for this run and one Redis under
 * this run's key prefix. Each scenario acts on one instance and checks the other.
 */
describe('several instances share state through Redis', { skip: SKIP_WITHOUT_REDIS }, () => {
  let db: TestDatabase;
  let a: AppInstance;
  let b: AppInstance;
  let keys: RedisKeys;
  let prefix: string;
  let sink: SmtpSink;

  before(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
    prefix = redisKeyPrefix(Buffer.from(db.secrets.API_KEY_PEPPER!, 'base64'));
    keys = new RedisKeys(TEST_REDIS_URL!);
    const env = {
      ...db.secrets,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL!,
      THROTTLE_AUTH_LIMIT: String(AUTH_LIMIT),
      THROTTLE_AUTH_TTL: '3600',
      THROTTLE_DEFAULT_LIMIT: '1000',
      IDS_BLOCK_THRESHOLD: String(IDS_THRESHOLD),
      IDS_WINDOW_SECONDS: '3600',
      IDS_BLOCK_SECONDS: '3600',
      LOGIN_MAX_FAILURES: '3',
      // Slow hashes keep a burst's wrong guesses in flight while the right password arrives.
      ARGON2_TIME_COST: '8',
      // Password reset mails go to a real SMTP server in this process.
      SMTP_URL: sink.url,
      MAIL_FROM: 'accounts@example.test',
      PUBLIC_BASE_URL: 'https://accounts.example.test',
    };
    // Both start at once: migrations serialise on PostgreSQL's advisory lock.
    [a, b] = await Promise.all([startInstance('A', env), startInstance('B', env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await sink?.close();
    await keys?.clear(prefix);
    await keys?.close();
    await db?.drop();
  });

  it('shares the login rate limit: the budget spent on A is gone on B', async () => {
    const login = (instance: AppInstance) =>
      httpFrom(instance.port, { method: 'POST', path: '/api/v1/auth/login', from: '127.0.0.61', body: {} });
    const statuses = await burst(AUTH_LIMIT, (i) => login(i % 2 === 0 ? a : b));
    assert.deepEqual(statuses, Array(AUTH_LIMIT).fill(400));
    assert.equal((await login(a)).status, 429);
    assert.equal((await login(b)).status, 429);
  });

  it('a logout on A refuses the access token on B at once', async () => {
    const user = await registerFrom(a.port, '127.0.0.62', 'multi-logout');
    const res = await loginFrom(b.port, '127.0.0.63', user);
    assert.equal(res.status, 200, res.body);
    const bearer = { Authorization: `Bearer ${res.json<{ accessToken: string }>().accessToken}` };
    assert.equal((await httpFrom(b.port, { path: '/api/v1/auth/me', from: '127.0.0.63', headers: bearer })).status, 200);
    const logout = await httpFrom(a.port, {
      method: 'POST',
      path: '/api/v1/auth/logout',
      from: '127.0.0.63',
      headers: bearer,
      body: {},
    });
    assert.equal(logout.status, 204);
    assert.equal((await httpFrom(b.port, { path: '/api/v1/auth/me', from: '127.0.0.63', headers: bearer })).status, 401);
  });

  it('a password reset confirmed on A ends the session on B at once: access and refresh token', async () => {
    // Addresses of its own: the auth rate limit and intrusion detection count per address.
    const user = await registerFrom(a.port, '127.0.0.90', 'multi-reset');
    const res = await loginFrom(b.port, '127.0.0.91', user);
    assert.equal(res.status, 200, res.body);
    const { accessToken, refreshToken } = res.json<{ accessToken: string; refreshToken: string }>();
    const bearer = { Authorization: `Bearer ${accessToken}` };
    assert.equal((await httpFrom(b.port, { path: '/api/v1/auth/me', from: '127.0.0.91', headers: bearer })).status, 200);
    const requested = await httpFrom(a.port, {
      method: 'POST',
      path: '/api/v1/auth/password-reset/request',
      from: '127.0.0.90',
      body: { email: user.email },
    });
    assert.equal(requested.status, 202);
    const token = tokenOf(await sink.next(user.email, '/reset-password'), '/reset-password');
    const confirmed = await httpFrom(a.port, {
      method: 'POST',
      path: '/api/v1/auth/password-reset/confirm',
      from: '127.0.0.90',
      body: { token, newPassword: `${user.password} renewed` },
    });
    assert.equal(confirmed.status, 204, confirmed.body);
    assert.equal((await httpFrom(b.port, { path: '/api/v1/auth/me', from: '127.0.0.91', headers: bearer })).status, 401);
    const refresh = await httpFrom(b.port, {
      method: 'POST',
      path: '/api/v1/auth/refresh',
      from: '127.0.0.91',
      body: { refreshToken },
    });
    assert.equal(refresh.status, 401);
  });

  it('a lockout caused on A is enforced on B', async () => {
    const user = await registerFrom(b.port, '127.0.0.64', 'multi-lockout');
    const wrong = { email: user.email, password: 'not the right password at all' };
    for (let i = 0; i < 3; i++) assert.equal((await loginFrom(a.port, '127.0.0.65', wrong)).status, 401);
    assert.equal((await loginFrom(b.port, '127.0.0.66', user)).status, 401, 'the right password is refused on B too');
  });

  it('a parallel burst of wrong passwords on A and B cannot let the right one through on B', async () => {
    const user = await registerFrom(a.port, '127.0.0.68', 'multi-lockout-race');
    const wrong = Array.from({ length: 6 }, (_, i) =>
      loginFrom(i % 2 === 0 ? a.port : b.port, `127.0.0.${80 + i}`, { email: user.email, password: `wrong guess number ${i}` }),
    );
    // Each guess from its own address (the login rate limit is per address). They are counted
    // in Redis on arrival; the lock would only follow three slow hashes.
    await delay(250);
    const right = await loginFrom(b.port, '127.0.0.69', user);
    assert.deepEqual(
      (await Promise.all(wrong)).map((res) => res.status),
      Array(6).fill(401),
    );
    assert.equal(right.status, 401, 'the right password got through a burst of wrong ones spread over two instances');
  });

  it('an IP block imposed on A is enforced on B', async () => {
    const statuses = await burst(IDS_THRESHOLD, (i) => httpFrom(a.port, { path: `/no-such-route-${i}`, from: '127.0.0.67' }));
    assert.deepEqual(statuses, Array(IDS_THRESHOLD).fill(404));
    // Responses are counted when they finish, so the block lands in Redis just after the client
    // saw the last 404: allow it a moment (bounded) to propagate, then B must refuse the address.
    let blocked = 0;
    for (const deadline = Date.now() + 2000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      blocked = (await httpFrom(b.port, { path: '/.well-known/jwks.json', from: '127.0.0.67' })).status;
      if (blocked === 429) break;
    }
    assert.equal(blocked, 429);
    assert.equal((await httpFrom(b.port, { path: '/.well-known/jwks.json', from: '127.0.0.68' })).status, 200);
  });

  it('keeps every key of this run under its own prefix, each with an expiry', async () => {
    const stored = await keys.list(prefix);
    assert.ok(stored.some((key) => key.startsWith(`${prefix}throttle:`)));
    assert.ok(stored.some((key) => key.startsWith(`${prefix}revoked-session:`)));
    assert.ok(stored.some((key) => key.startsWith(`${prefix}login-locked:`)));
    assert.ok(stored.some((key) => key.startsWith(`${prefix}ids:block:`)));
    for (const key of stored) assert.ok((await keys.pttl(key)) > 0, `${key} expires`);
  });

  it('keeps one valid audit hash chain for events written by both instances', async () => {
    // Both instances append at the same time; the advisory lock on the chain head serialises them.
    const get = (instance: AppInstance, i: number) =>
      fetch(`http://127.0.0.1:${instance.port}/.well-known/jwks.json`, {
        headers: { 'X-Request-Id': `multi-chain-${instance.name}-${i}` },
      });
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => get(i % 2 ? a : b, i)));
    assert.ok(responses.every((res) => res.status === 200));
    const verify = spawnSync(process.execPath, [CLI, 'audit-verify'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL!,
        ...db.secrets,
      },
      encoding: 'utf8',
    });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    const result = JSON.parse(verify.stdout.trim().split('\n').at(-1)!) as { valid: boolean; checked: number };
    assert.equal(result.valid, true);
    assert.ok(result.checked >= 40);
  });
});
