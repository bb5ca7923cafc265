import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { auditRowsFor } from '../support/audit-rows.js';
import { bearer, login, registerUser, type Account } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The evidence the trail was missing. */
describe('audit trail: evidence', () => {
  let t: TestApp;
  let account: Account;
  let token: string;

  before(async () => {
    t = await startTestApp();
    account = await registerUser(t, 'evidence');
    token = (await login(t, account)).accessToken;
  });
  after(async () => t.close());

  const dump = async () => JSON.stringify(await t.app.get(DataSource).query('SELECT * FROM audit_events'));

  it('records the account id of a successful login, and of a failed one when the account exists, never the email', async () => {
    const ok = `login-ok-${randomUUID()}`;
    const res = await t.http
      .post('/api/v1/auth/login')
      .set('X-Request-Id', ok)
      .send({ email: account.email, password: account.password });
    assert.equal(res.status, 200);
    const [success] = await auditRowsFor(t, ok);
    assert.equal(success!.resource_id, account.id);

    const bad = `login-bad-${randomUUID()}`;
    await t.http
      .post('/api/v1/auth/login')
      .set('X-Request-Id', bad)
      .send({ email: account.email, password: `${account.password} wrong` });
    const [failure] = await auditRowsFor(t, bad);
    assert.equal(Number(failure!.status), 401);
    assert.equal(failure!.resource_id, account.id);

    const unknown = `login-unknown-${randomUUID()}`;
    await t.http
      .post('/api/v1/auth/login')
      .set('X-Request-Id', unknown)
      .send({ email: `nobody-${randomUUID()}@example.com`, password: 'whatever password' });
    const [nobody] = await auditRowsFor(t, unknown);
    assert.equal(Number(nobody!.status), 401);
    assert.equal(nobody!.resource_id, null);
    assert.ok(!(await dump()).includes(account.email), 'an email is in the audit table');
  });

  it('records 404s under /health/ but not the health probes themselves', async () => {
    const unknown = `health-unknown-${randomUUID()}`;
    assert.equal((await t.http.get('/health/unknown').set('X-Request-Id', unknown)).status, 404);
    const rows = await auditRowsFor(t, unknown);
    assert.equal(rows.length, 1, '/health/<unknown> escaped the audit');
    assert.equal(rows[0]!.route, '/health/unknown');
    const probe = `health-live-${randomUUID()}`;
    assert.equal((await t.http.get('/health/live').set('X-Request-Id', probe)).status, 200);
    assert.equal((await auditRowsFor(t, probe)).length, 0);
  });

  it('redacts values shaped like our API keys, JWTs and refresh tokens wherever they appear', async () => {
    const key = (
      await t.http
        .post('/api/v1/api-keys')
        .set(...bearer(token))
        .send({ name: 'evidence', scopes: ['notes:read'] })
    ).body.key as string;
    const tokens = await login(t, account);
    const correlation = `redact-${randomUUID()}`;
    await t.http
      .get('/api/v1/notes')
      .query({ k: key, x: tokens.accessToken, q: tokens.refreshToken })
      .set(...bearer(token));
    await t.http.get(`/api/v1/nowhere/${key}`).query({ [key]: '1' });
    await t.http
      .post('/api/v1/nowhere')
      .set('X-Request-Id', correlation)
      .send({
        note: `my key is ${key} and my token ${tokens.accessToken}`,
        list: [tokens.refreshToken],
        [tokens.refreshToken]: 1,
      });
    const stored = await dump();
    for (const secret of [key, key.slice(0, 40), tokens.accessToken, tokens.accessToken.split('.')[1]!, tokens.refreshToken]) {
      assert.ok(!stored.includes(secret), `the audit table holds a credential: ${secret.slice(0, 12)}…`);
    }
    const [row] = await auditRowsFor(t, correlation);
    assert.ok(row!.payload!.includes('[REDACTED]'));
    assert.ok(row!.payload!.includes('my key is'), 'the rest of the value is kept');
  });

  it('gives every request its own request id and keeps the client’s X-Request-Id as its correlation id', async () => {
    const reused = `reused-${randomUUID()}`;
    const first = await t.http.get('/api/v1/notes').set('X-Request-Id', reused);
    const second = await t.http.get('/api/v1/notes').set('X-Request-Id', reused);
    assert.notEqual(first.headers['x-request-id'], reused);
    assert.notEqual(first.headers['x-request-id'], second.headers['x-request-id']);
    assert.equal(first.headers['x-correlation-id'], reused);
    assert.equal(first.body.requestId, first.headers['x-request-id']);
    const rows = await auditRowsFor(t, reused);
    assert.equal(rows.length, 2);
    assert.deepEqual(
      rows.map((row) => row.correlation_id),
      [reused, reused],
    );
    assert.deepEqual(
      new Set(rows.map((row) => row.request_id)),
      new Set([first.headers['x-request-id'], second.headers['x-request-id']]),
    );
    const [byOwnId] = await auditRowsFor(t, first.headers['x-request-id']!);
    assert.equal(byOwnId!.request_id, first.headers['x-request-id']);
  });
});
