import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redisKeyPrefix } from '../../src/shared-state/redis-key-prefix.js';
import { startInstance, type AppInstance } from '../support/app-instances.js';
import { accessTokenFrom, loginFrom, registerFrom } from '../support/clients.js';
import { httpFrom } from '../support/http-from.js';
import { strongPassword } from '../support/identity.js';
import { RedisKeys } from '../support/redis-keys.js';
import { SKIP_WITHOUT_REDIS, TEST_REDIS_URL } from '../support/redis-required.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const sidOf = (tokens: Tokens) =>
  (JSON.parse(Buffer.from(tokens.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

/**
 * Ending a session from the session list is effective at once on every instance
 * (docs/account-lifecycle.md#sessions): two processes on one PostgreSQL database and one Redis.
 * The session is ended on A; B, which has already verified its access token once (so its
 * verified-token fast path would answer), must refuse that token and its refresh token on the
 * very next request, without waiting for the periodic revocation sync.
 */
describe('a session ended on one instance is refused on the others at once', { skip: SKIP_WITHOUT_REDIS }, () => {
  let db: TestDatabase;
  let a: AppInstance;
  let b: AppInstance;
  let keys: RedisKeys;
  let prefix: string;
  const admin = { email: 'multi-sessions-admin@example.com', password: strongPassword() };

  before(async () => {
    db = await createTestDatabase();
    prefix = redisKeyPrefix(Buffer.from(db.secrets.API_KEY_PEPPER!, 'base64'));
    keys = new RedisKeys(TEST_REDIS_URL!);
    const env = { ...db.secrets, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL!, THROTTLE_AUTH_LIMIT: '1000' };
    // The bootstrap admin is provisioned by A alone.
    const adminEnv = { BOOTSTRAP_ADMIN_EMAIL: admin.email, BOOTSTRAP_ADMIN_PASSWORD: admin.password };
    [a, b] = await Promise.all([startInstance('A', { ...env, ...adminEnv }), startInstance('B', env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await keys?.clear(prefix);
    await keys?.close();
    await db?.drop();
  });

  const me = (instance: AppInstance, token: string) =>
    httpFrom(instance.port, { path: '/api/v1/auth/me', headers: { Authorization: `Bearer ${token}` } });
  const refresh = (instance: AppInstance, refreshToken: string) =>
    httpFrom(instance.port, { method: 'POST', path: '/api/v1/auth/refresh', body: { refreshToken } });

  it('a session ended on A refuses its access token and its refresh on B at once', async () => {
    const user = await registerFrom(a.port, '127.0.0.91', 'multi-session-end');
    const kept = (await loginFrom(a.port, '127.0.0.91', user)).json<Tokens>();
    const ended = (await loginFrom(b.port, '127.0.0.92', user)).json<Tokens>();
    assert.equal((await me(b, ended.accessToken)).status, 200, 'B verified the token once');

    const res = await httpFrom(a.port, {
      method: 'DELETE',
      path: `/api/v1/auth/sessions/${sidOf(ended)}`,
      headers: { Authorization: `Bearer ${kept.accessToken}` },
    });
    assert.equal(res.status, 204, res.body);

    assert.equal((await me(b, ended.accessToken)).status, 401, 'access token refused on B');
    assert.equal((await refresh(b, ended.refreshToken)).status, 401, 'refresh refused on B');
    assert.equal((await me(b, kept.accessToken)).status, 200, 'the other session lives on, on B too');
    const list = await httpFrom(b.port, {
      path: '/api/v1/auth/sessions',
      headers: { Authorization: `Bearer ${kept.accessToken}` },
    });
    assert.deepEqual(
      list.json<{ items: { id: string }[] }>().items.map((item) => item.id),
      [sidOf(kept)],
    );
  });

  it('an admin ending every session of a user on B refuses them on A at once', async () => {
    const user = await registerFrom(a.port, '127.0.0.93', 'multi-admin-end');
    const sessions = [
      (await loginFrom(a.port, '127.0.0.93', user)).json<Tokens>(),
      (await loginFrom(b.port, '127.0.0.94', user)).json<Tokens>(),
    ];
    for (const tokens of sessions) assert.equal((await me(a, tokens.accessToken)).status, 200);
    const adminToken = await accessTokenFrom(b.port, '127.0.0.95', admin);
    const res = await httpFrom(b.port, {
      method: 'DELETE',
      path: `/api/v1/users/${user.id}/sessions`,
      from: '127.0.0.95',
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    assert.equal(res.status, 204, res.body);
    for (const tokens of sessions) {
      assert.equal((await me(a, tokens.accessToken)).status, 401, 'access token refused on A');
      assert.equal((await refresh(a, tokens.refreshToken)).status, 401, 'refresh refused on A');
    }
  });
});
