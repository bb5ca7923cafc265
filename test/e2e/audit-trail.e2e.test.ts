import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { auditRowsFor, tamper } from '../support/audit-rows.js';
import { bearer, login, registerUser, strongPassword } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ProbeModule } from './probe/probe.module.js';

/** docs/http-contract.md#audit-events: exactly one tamper-evident, redacted audit event per request, served or refused. */
describe('audit trail: exactly one event per request', () => {
  let t: TestApp;
  let userToken: string;
  let adminToken: string;

  before(async () => {
    const password = strongPassword();
    t = await startTestApp(
      { BOOTSTRAP_ADMIN_EMAIL: 'audit-admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: password, BODY_LIMIT: '1kb' },
      { extraModules: [ProbeModule] },
    );
    userToken = (await login(t, await registerUser(t, 'audited'))).accessToken;
    adminToken = (await login(t, { email: 'audit-admin@example.com', password })).accessToken;
  });
  after(async () => t.close());

  const cases: [string, (id: string) => Promise<{ status: number }>, number, string][] = [
    [
      'records a served request once',
      (id) =>
        t.http
          .get('/api/v1/notes')
          .set('X-Request-Id', id)
          .set(...bearer(userToken)),
      200,
      '/api/v1/notes',
    ],
    [
      'records a refusal by authentication (401) once',
      (id) => t.http.get('/api/v1/notes').set('X-Request-Id', id),
      401,
      '/api/v1/notes',
    ],
    [
      'records a refusal by authorization (403) once',
      (id) =>
        t.http
          .get('/api/v1/users')
          .set('X-Request-Id', id)
          .set(...bearer(userToken)),
      403,
      '/api/v1/users',
    ],
    [
      'records a refusal by validation (400) once',
      (id) =>
        t.http
          .post('/api/v1/notes')
          .set('X-Request-Id', id)
          .set(...bearer(userToken))
          .send({ title: '' }),
      400,
      '/api/v1/notes',
    ],
    [
      'records an unknown route (404) once',
      (id) => t.http.get('/api/v1/no-such-thing').set('X-Request-Id', id),
      404,
      '/api/v1/no-such-thing',
    ],
    [
      'records a body that is not JSON (415) once',
      (id) => t.http.post('/api/v1/notes').set('X-Request-Id', id).type('form').send('a=b'),
      415,
      '/api/v1/notes',
    ],
    [
      'records a body over the limit (413) once',
      (id) =>
        t.http
          .post('/api/v1/notes')
          .set('X-Request-Id', id)
          .send({ body: 'x'.repeat(2000) }),
      413,
      '/api/v1/notes',
    ],
    [
      'records an unexpected error (500) once',
      (id) => t.http.get('/api/v1/probe/boom').set('X-Request-Id', id),
      500,
      '/api/v1/probe/boom',
    ],
  ];

  for (const [name, send, status, route] of cases) {
    it(name, async () => {
      const requestId = `audit-${randomUUID()}`;
      const res = await send(requestId);
      assert.equal(res.status, status);
      const rows = await auditRowsFor(t, requestId);
      assert.equal(rows.length, 1, `expected exactly one event, got ${rows.length}`);
      assert.equal(Number(rows[0]!.status), status);
      assert.equal(rows[0]!.route, route);
    });
  }

  it('names the actor, route template, action and resource', async () => {
    const created = await t.http
      .post('/api/v1/notes')
      .set(...bearer(userToken))
      .set('X-Request-Id', 'audit-create-0001')
      .send({ title: 'A', body: 'B' });
    const [create] = await auditRowsFor(t, 'audit-create-0001');
    assert.equal(create!.actor_type, 'user');
    assert.equal(create!.action, 'note.create');
    assert.equal(create!.resource_id, created.body.id);
    await t.http
      .get(`/api/v1/notes/${created.body.id}`)
      .set(...bearer(userToken))
      .set('X-Request-Id', 'audit-read-00001');
    const [read] = await auditRowsFor(t, 'audit-read-00001');
    assert.equal(read!.route, '/api/v1/notes/:id');
    assert.equal(read!.action, 'note.read');
    assert.equal(read!.resource_id, created.body.id);
    const me = await t.http.get('/api/v1/auth/me').set(...bearer(userToken));
    assert.equal(read!.actor_id, me.body.id);
    const key = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(userToken))
      .send({ name: 'audit', scopes: ['notes:read'] });
    await t.http.get('/api/v1/notes').set('X-API-Key', key.body.key).set('X-Request-Id', 'audit-apikey-0001');
    const [viaKey] = await auditRowsFor(t, 'audit-apikey-0001');
    assert.equal(viaKey!.actor_type, 'apiKey');
    assert.equal(viaKey!.actor_id, key.body.id);
    const [refused] = await auditRowsFor(
      t,
      (await t.http.get('/api/v1/notes').set('X-Request-Id', 'audit-anon-00001')).headers['x-request-id']!,
    );
    assert.equal(refused!.actor_type, 'anonymous');
    assert.equal(refused!.action, 'note.list', 'a refused request still names the action it asked for');
  });

  it('never stores passwords, tokens, keys or encrypted fields', async () => {
    const canaryPassword = `canary password ${randomUUID()}`;
    const canaryEmail = `canary-${randomUUID().slice(0, 8)}@example.com`;
    const canaryBody = `canary body ${randomUUID()}`;
    await t.http.post('/api/v1/auth/register').send({ email: canaryEmail, password: canaryPassword, displayName: 'Canary' });
    const tokens = (await t.http.post('/api/v1/auth/login').send({ email: canaryEmail, password: canaryPassword })).body;
    await t.http.post('/api/v1/auth/login').send({ email: canaryEmail, password: `${canaryPassword} wrong` });
    await t.http
      .post('/api/v1/notes')
      .set(...bearer(tokens.accessToken))
      .send({ title: 'canary title', body: canaryBody });
    await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken });
    const newPassword = `new canary ${randomUUID()}`;
    await t.http
      .post('/api/v1/auth/change-password')
      .set(...bearer(tokens.accessToken))
      .send({ currentPassword: canaryPassword, newPassword });
    const key = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(userToken))
      .send({ name: 'canary', scopes: ['notes:read'] });
    const dump = JSON.stringify(await t.app.get(DataSource).query('SELECT * FROM audit_events'));
    for (const secret of [
      canaryPassword,
      newPassword,
      canaryEmail,
      canaryBody,
      tokens.refreshToken,
      tokens.accessToken,
      key.body.key,
    ]) {
      assert.ok(!dump.includes(secret), `audit table contains a secret: ${String(secret).slice(0, 20)}…`);
    }
    assert.ok(dump.includes('canary title'), 'non-secret payload fields are kept');
    assert.ok(dump.includes('[REDACTED]'));
  });

  it('serves filtered pages of events to auditors and admins', async () => {
    await t.http
      .get('/api/v1/notes')
      .set(...bearer(userToken))
      .set('X-Request-Id', 'audit-filter-0001');
    const byRequest = await t.http.get('/api/v1/audit-events?requestId=audit-filter-0001').set(...bearer(adminToken));
    assert.equal(byRequest.status, 200);
    assert.equal(byRequest.body.total, 1);
    const event = byRequest.body.items[0];
    for (const field of [
      'id',
      'timestamp',
      'requestId',
      'actorType',
      'actorId',
      'ip',
      'method',
      'route',
      'status',
      'durationMs',
    ]) {
      assert.ok(field in event, field);
    }
    const byActor = await t.http.get(`/api/v1/audit-events?actorId=${event.actorId}&limit=2`).set(...bearer(adminToken));
    assert.ok(byActor.body.total >= 1);
    assert.ok(byActor.body.items.every((e: { actorId: string }) => e.actorId === event.actorId));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await t.http.get(`/api/v1/audit-events?from=${future}`).set(...bearer(adminToken));
    assert.equal(none.body.total, 0);
    assert.equal((await t.http.get('/api/v1/audit-events?from=yesterday').set(...bearer(adminToken))).status, 400);
  });
});

describe('audit trail: tamper evidence', () => {
  let t: TestApp;
  let adminToken: string;

  before(async () => {
    const password = strongPassword();
    t = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'chain-admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: password });
    adminToken = (await login(t, { email: 'chain-admin@example.com', password })).accessToken;
    for (let i = 0; i < 5; i++) await t.http.get('/api/v1/no-such-route');
  });
  after(async () => t.close());

  const verify = async () => (await t.http.get('/api/v1/audit-events/verify').set(...bearer(adminToken))).body;

  it('verifies an intact chain', async () => {
    const result = await verify();
    assert.equal(result.valid, true);
    assert.ok(result.checked >= 6);
  });

  it('refuses UPDATE and DELETE in the database itself', async () => {
    const dataSource = t.app.get(DataSource);
    await assert.rejects(dataSource.query('UPDATE audit_events SET status = 200 WHERE seq = 2'), /append-only/);
    await assert.rejects(dataSource.query('DELETE FROM audit_events WHERE seq = 2'), /append-only/);
  });

  it('detects a direct edit, then a deletion', async () => {
    const [target] = await t.app.get(DataSource).query('SELECT id FROM audit_events WHERE seq = 3');
    await tamper(t, 'UPDATE audit_events SET status = 418 WHERE seq = 3');
    const edited = await verify();
    assert.equal(edited.valid, false);
    assert.equal(edited.firstInvalidId, target.id);
    assert.equal(edited.checked, 2);
  });

  it('detects a deleted event', async () => {
    const other = await startTestApp({}, {}, undefined);
    try {
      for (let i = 0; i < 4; i++) await other.http.get('/api/v1/missing');
      const [fourth] = await other.app.get(DataSource).query('SELECT id FROM audit_events WHERE seq = 3');
      await tamper(other, 'DELETE FROM audit_events WHERE seq = 2');
      const { AuditVerifier } = await import('../../src/audit/audit-verifier.js');
      const result = await other.app.get(AuditVerifier).verify();
      assert.equal(result.valid, false);
      assert.equal(result.firstInvalidId, fourth.id);
    } finally {
      await other.close();
    }
  });
});

describe('audit trail: rate-limited and blocked requests', () => {
  it('records a refusal by rate limiting (429) once', async () => {
    const t = await startTestApp({ THROTTLE_AUTH_LIMIT: '1', THROTTLE_AUTH_TTL: '60' });
    try {
      const first = await t.http
        .post('/api/v1/auth/login')
        .set('X-Request-Id', 'audit-throttle-1')
        .send({ email: 'x@example.com', password: 'y' });
      const second = await t.http
        .post('/api/v1/auth/login')
        .set('X-Request-Id', 'audit-throttle-2')
        .send({ email: 'x@example.com', password: 'y' });
      assert.equal(second.status, 429);
      const [firstRows, secondRows] = [await auditRowsFor(t, 'audit-throttle-1'), await auditRowsFor(t, 'audit-throttle-2')];
      assert.equal(firstRows.length, 1);
      assert.equal(Number(firstRows[0]!.status), first.status);
      assert.equal(secondRows.length, 1);
      assert.equal(Number(secondRows[0]!.status), 429);
    } finally {
      await t.close();
    }
  });

  it('records a request refused because its client is blocked once', async () => {
    const t = await startTestApp({
      IDS_ENABLED: 'true',
      IDS_BLOCK_THRESHOLD: '3',
      IDS_WINDOW_SECONDS: '60',
      IDS_BLOCK_SECONDS: '60',
    });
    try {
      for (let i = 0; i < 3; i++) await t.http.get(`/api/v1/probing-${i}`);
      const blocked = await t.http.get('/api/v1/notes').set('X-Request-Id', 'audit-blocked-01');
      assert.equal(blocked.status, 429);
      const rows = await auditRowsFor(t, 'audit-blocked-01');
      assert.equal(rows.length, 1);
      assert.equal(Number(rows[0]!.status), 429);
    } finally {
      await t.close();
    }
  });
});
