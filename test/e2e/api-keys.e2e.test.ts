import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { bearer, login, registerUser, strongPassword, type Account } from '../support/identity.js';
import { requestFrom } from '../support/request-from.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** docs/http-contract.md#api-keys black-box: lifecycle, storage, scopes, allowlists, rotation, usage, /metrics. */
const DAY = 86_400_000;

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('API keys', () => {
  let t: TestApp;
  let owner: Account;
  let token: string;
  let adminToken: string;
  let adminId: string;

  const createKey = async (body: Record<string, unknown>, as = token) =>
    t.http
      .post('/api/v1/api-keys')
      .set(...bearer(as))
      .send(body);
  const withKey = (key: string) => ['X-API-Key', key] as [string, string];

  before(async () => {
    const adminPassword = strongPassword();
    t = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'keys-admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: adminPassword });
    owner = await registerUser(t, 'key-owner');
    token = (await login(t, owner)).accessToken;
    adminToken = (await login(t, { email: 'keys-admin@example.com', password: adminPassword })).accessToken;
    adminId = (await t.http.get('/api/v1/auth/me').set(...bearer(adminToken))).body.id;
  });
  after(async () => t.close());

  it('creates a key, shows the secret once, and stores only an HMAC of it', async () => {
    const res = await createKey({ name: 'ci', scopes: ['notes:read'] });
    assert.equal(res.status, 201);
    const key = res.body.key as string;
    assert.match(key, /^snk_[0-9a-f]{16}_[0-9a-f]{72}$/);
    assert.ok(key.length - 'snk_'.length - 17 >= 64, 'at least 256 bits of secret');
    assert.equal(res.body.prefix, key.slice(0, 'snk_'.length + 16));
    const expires = new Date(res.body.expiresAt).getTime() - new Date(res.body.createdAt).getTime();
    assert.ok(Math.abs(expires - 90 * DAY) < 5000, 'default expiry is 90 days');
    const listed = await t.http.get('/api/v1/api-keys').set(...bearer(token));
    assert.ok(!JSON.stringify(listed.body).includes(key.slice(21)), 'the list never shows the secret');
    const got = await t.http.get(`/api/v1/api-keys/${res.body.id}`).set(...bearer(token));
    assert.deepEqual(Object.keys(got.body).sort(), [
      'allowedIps',
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'lastUsedIp',
      'name',
      'prefix',
      'revokedAt',
      'scopes',
      'useCount',
    ]);
    const rows = await t.app.get(DataSource).query('SELECT * FROM api_keys');
    assert.ok(!JSON.stringify(rows).includes(key.slice(21, 85)), 'the database holds no secret');
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(key))).status, 200);
    assert.equal((await t.http.get('/api/v1/notes').set('Authorization', `ApiKey ${key}`)).status, 200);
  });

  it('refuses bad expiry, scopes and CIDRs at creation', async () => {
    assert.equal((await createKey({ name: 'x', scopes: ['notes:read'], expiresInDays: 366 })).status, 400);
    assert.equal((await createKey({ name: 'x', scopes: ['notes:read'], expiresInDays: 365 })).status, 201);
    assert.equal((await createKey({ name: 'x', scopes: ['root'] })).status, 400);
    assert.equal((await createKey({ name: 'x', scopes: [] })).status, 400);
    assert.equal((await createKey({ name: 'x', scopes: ['notes:read'], allowedIps: ['10.0.0.0/33'] })).status, 400);
    assert.equal((await createKey({ name: 'x', scopes: ['notes:read'], allowedIps: ['not-an-ip'] })).status, 400);
    const v6 = await createKey({ name: 'x', scopes: ['notes:read'], allowedIps: ['2001:db8::/32', '127.0.0.1'] });
    assert.equal(v6.status, 201);
    assert.deepEqual(v6.body.allowedIps, ['2001:db8::/32', '127.0.0.1/32']);
  });

  it('refuses a scope the owner role lacks with 403', async () => {
    assert.equal((await createKey({ name: 'x', scopes: ['audit:read'] })).status, 403);
    assert.equal((await createKey({ name: 'x', scopes: ['metrics:read'] })).status, 403);
    assert.equal((await createKey({ name: 'x', scopes: ['metrics:read'] }, adminToken)).status, 201);
  });

  it('refuses malformed, mistyped, expired and revoked keys with 401', async () => {
    const res = await createKey({ name: 'life', scopes: ['notes:read'] });
    const key = res.body.key as string;
    const typo = key.slice(0, 30) + (key[30] === 'a' ? 'b' : 'a') + key.slice(31);
    for (const bad of ['snk_nope', typo, `${key}0`, 'Bearer x']) {
      assert.equal((await t.http.get('/api/v1/notes').set(...withKey(bad))).status, 401, bad);
    }
    assert.equal((await t.http.get(`/api/v1/notes?api_key=${key}`)).status, 401, 'query-string keys are ignored');
    assert.equal(
      (
        await t.http
          .get('/api/v1/notes')
          .set(...withKey(key))
          .set(...bearer(token))
      ).status,
      401,
      'ambiguous credentials',
    );
    assert.equal((await t.http.delete(`/api/v1/api-keys/${res.body.id}`).set(...bearer(token))).status, 204);
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(key))).status, 401, 'revoked at once');
    const expiring = await createKey({ name: 'old', scopes: ['notes:read'] });
    await t.app
      .get(DataSource)
      .getRepository('ApiKey')
      .update({ id: expiring.body.id }, { expiresAt: new Date(Date.now() - 1000) });
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(expiring.body.key))).status, 401);
  });

  it('never lets a key manage keys, users, sessions or passwords', async () => {
    const key = (await createKey({ name: 'limited', scopes: ['notes:read', 'notes:write'] })).body.key as string;
    const forbidden = [
      t.http.post('/api/v1/api-keys').send({ name: 'x', scopes: ['notes:read'] }),
      t.http.get('/api/v1/api-keys'),
      t.http.get('/api/v1/auth/me'),
      t.http.post('/api/v1/auth/logout').send({}),
      t.http.post('/api/v1/auth/change-password').send({ currentPassword: owner.password, newPassword: strongPassword() }),
      t.http.get('/api/v1/users'),
    ];
    for (const request of forbidden) assert.equal((await request.set(...withKey(key))).status, 403);
  });

  it('rotates with a grace period during which the old secret still works', async () => {
    const created = await createKey({ name: 'rotating', scopes: ['notes:read'] });
    const rotated = await t.http
      .post(`/api/v1/api-keys/${created.body.id}/rotate`)
      .set(...bearer(token))
      .send({ gracePeriodSeconds: 2 });
    assert.equal(rotated.status, 201);
    assert.notEqual(rotated.body.key, created.body.key);
    assert.equal(rotated.body.prefix, created.body.prefix);
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(created.body.key))).status, 200, 'old secret within grace');
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(rotated.body.key))).status, 200);
    await new Promise((r) => setTimeout(r, 2200));
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(created.body.key))).status, 401, 'old secret after grace');
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(rotated.body.key))).status, 200);
    const again = await t.http
      .post(`/api/v1/api-keys/${created.body.id}/rotate`)
      .set(...bearer(token))
      .send({});
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(rotated.body.key))).status, 401, 'no grace by default');
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(again.body.key))).status, 200);
  });

  it('binds a key to its allowlist: 127.0.0.2 is not 127.0.0.1', async () => {
    const key = (await createKey({ name: 'pinned', scopes: ['notes:read'], allowedIps: ['127.0.0.2/32'] })).body.key as string;
    assert.equal((await requestFrom(t, '127.0.0.2', '/api/v1/notes', { 'X-API-Key': key })).status, 200);
    assert.equal((await requestFrom(t, '127.0.0.1', '/api/v1/notes', { 'X-API-Key': key })).status, 403);
  });

  it('records usage without a write per request, and exposes it in metrics', async () => {
    const created = await createKey({ name: 'counted', scopes: ['notes:read'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let i = 0; i < 3; i++) assert.equal((await t.http.get('/api/v1/notes').set(...withKey(created.body.key))).status, 200);
    const view = await poll(
      async () => (await t.http.get(`/api/v1/api-keys/${created.body.id}`).set(...bearer(token))).body,
      (body) => body.useCount === 3,
    );
    assert.equal(view.useCount, 3);
    assert.ok(Date.now() - new Date(view.lastUsedAt).getTime() < 10_000);
    assert.match(view.lastUsedIp, /127\.0\.0\.1/);
    const metricsKey = (await createKey({ name: 'prometheus', scopes: ['metrics:read'] }, adminToken)).body.key as string;
    const metrics = await t.http.get('/metrics').set(...withKey(metricsKey));
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, new RegExp(`api_key_requests_total\\{key_id="${created.body.id}"\\} 3`));
    assert.match(metrics.text, /process_cpu_user_seconds_total/);
    assert.equal((await t.http.get('/metrics').set(...bearer(adminToken))).status, 403, 'metrics need a key, not a bearer token');
  });

  it('follows the owner: demotion shrinks the key at once, disabling revokes it', async () => {
    const deputy = await registerUser(t, 'deputy');
    await t.http
      .patch(`/api/v1/users/${deputy.id}`)
      .set(...bearer(adminToken))
      .send({ role: 'admin' });
    const deputyToken = (await login(t, deputy)).accessToken;
    const key = (await createKey({ name: 'scrape', scopes: ['metrics:read', 'notes:read'] }, deputyToken)).body.key as string;
    assert.equal((await t.http.get('/metrics').set(...withKey(key))).status, 200);
    await t.http
      .patch(`/api/v1/users/${deputy.id}`)
      .set(...bearer(adminToken))
      .send({ role: 'user' });
    assert.equal((await t.http.get('/metrics').set(...withKey(key))).status, 403, 'metrics:read needs an admin owner');
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(key))).status, 200, 'notes:read still allowed');
    await t.http
      .patch(`/api/v1/users/${deputy.id}`)
      .set(...bearer(adminToken))
      .send({ disabled: true });
    assert.equal((await t.http.get('/api/v1/notes').set(...withKey(key))).status, 401);
    const rows = (await t.app
      .get(DataSource)
      .query('SELECT revoked_at FROM api_keys WHERE user_id = ' + (t.db.kind === 'postgres' ? '$1' : '?'), [deputy.id])) as {
      revoked_at: string | null;
    }[];
    assert.ok(rows.length > 0 && rows.every((row) => row.revoked_at !== null), 'disabling revokes every key of the user');
    assert.ok(adminId);
  });

  it("hides another user's keys (404)", async () => {
    const mine = await createKey({ name: 'private', scopes: ['notes:read'] });
    for (const request of [
      t.http.get(`/api/v1/api-keys/${mine.body.id}`),
      t.http.post(`/api/v1/api-keys/${mine.body.id}/rotate`).send({}),
      t.http.delete(`/api/v1/api-keys/${mine.body.id}`),
    ]) {
      assert.equal((await request.set(...bearer(adminToken))).status, 404);
    }
  });
});

describe('client address behind a proxy (TRUST_PROXY)', () => {
  for (const [name, trustProxy, expected] of [
    ['X-Forwarded-For is ignored with TRUST_PROXY=off', 'off', 403],
    ['X-Forwarded-For counts with TRUST_PROXY=loopback', 'loopback', 200],
  ] as const) {
    it(name, async () => {
      const t = await startTestApp({ TRUST_PROXY: trustProxy });
      try {
        const owner = await registerUser(t, 'proxied');
        const token = (await login(t, owner)).accessToken;
        const created = await t.http
          .post('/api/v1/api-keys')
          .set(...bearer(token))
          .send({ name: 'p', scopes: ['notes:read'], allowedIps: ['203.0.113.7/32'] });
        const res = await requestFrom(t, '127.0.0.1', '/api/v1/notes', {
          'X-API-Key': created.body.key,
          'X-Forwarded-For': '203.0.113.7',
        });
        assert.equal(res.status, expected);
      } finally {
        await t.close();
      }
    });
  }
});
