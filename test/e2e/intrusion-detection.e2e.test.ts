import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accessTokenFrom, burst, loginFrom, portOf, registerFrom } from '../support/clients.js';
import { httpFrom } from '../support/http-from.js';
import { strongPassword } from '../support/identity.js';
import { eventuallyEvent, securityEvents } from '../support/security-events-reader.js';
import { startTestAppWithAdmin } from '../support/app-with-admin.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const THRESHOLD = 6;
const ADMIN_EMAIL = 'ids-admin@example.com';
/** The address the admin reads events from: never one of the clients under test. */
const ADMIN_FROM = '127.0.2.1';

/**
 * Intrusion detection (docs/http-contract.md#security-events, docs/configuration.md; OWASP AppSensor detection points, ASVS 16.3, OWASP
 * API2/API4:2023): suspicious responses per client address, automatic blocking, and detection
 * points stored as security events. Each client has its own loopback source address.
 */
describe('intrusion detection (IDS_*)', () => {
  let t: TestApp;
  let port: number;
  let adminToken: string;

  before(async () => {
    ({ t, adminToken } = await startTestAppWithAdmin(
      {
        IDS_BLOCK_THRESHOLD: String(THRESHOLD),
        IDS_WINDOW_SECONDS: '3600',
        IDS_BLOCK_SECONDS: '3600',
        LOGIN_MAX_FAILURES: '3',
      },
      ADMIN_EMAIL,
      ADMIN_FROM,
    ));
    port = portOf(t);
  });
  after(async () => t.close());

  const get = (from: string, path: string, headers: Record<string, string> = {}) => httpFrom(port, { path, from, headers });

  it('blocks a client address after IDS_BLOCK_THRESHOLD suspicious responses, on every route', async () => {
    const statuses = await burst(THRESHOLD, (i) => get('127.0.0.31', `/no-such-route-${i}`));
    assert.deepEqual(statuses, Array(THRESHOLD).fill(404));

    const refused = await get('127.0.0.31', '/.well-known/jwks.json');
    assert.equal(refused.status, 429);
    assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
    assert.match(String(refused.headers['retry-after']), /^\d+$/);
    const login = await httpFrom(port, { method: 'POST', path: '/api/v1/auth/login', from: '127.0.0.31', body: {} });
    assert.equal(login.status, 429, 'a public route');
    assert.equal((await get('127.0.0.31', '/api/v1/notes')).status, 429, 'a protected route');
    assert.equal((await get('127.0.0.31', '/no-such-route')).status, 429, 'an unknown route');
    assert.equal((await get('127.0.0.31', '/health/live')).status, 200, 'probes stay answerable');
    assert.equal((await get('127.0.0.32', '/.well-known/jwks.json')).status, 200, 'other clients are not affected');
  });

  it('records the block as a client_blocked security event, and the burst before it', async () => {
    const blocked = await eventuallyEvent(port, adminToken, (e) => e.type === 'client_blocked' && e.ip === '127.0.0.31', 'block');
    assert.equal(blocked.details.count, THRESHOLD);
    assert.equal(blocked.details.blockSeconds, 3600);
    assert.equal(blocked.details.status, 404);
    const burstEvent = await eventuallyEvent(
      port,
      adminToken,
      (e) => e.type === 'suspicious_response_burst' && e.ip === '127.0.0.31',
      'burst',
    );
    assert.equal(burstEvent.details.count, THRESHOLD / 2);
  });

  it('counts 401 and 403 as suspicious, and ignores X-Forwarded-For (TRUST_PROXY off)', async () => {
    const user = await registerFrom(port, '127.0.2.2', 'ids-user');
    const token = await accessTokenFrom(port, '127.0.2.3', user);
    const forbidden = (i: number) =>
      get('127.0.0.33', '/api/v1/users', { Authorization: `Bearer ${token}`, 'X-Forwarded-For': `198.51.100.${i}` });
    const unauthenticated = (i: number) => get('127.0.0.33', '/api/v1/notes', { 'X-Forwarded-For': `198.51.100.${i}` });
    const statuses = await burst(THRESHOLD, (i) => (i % 2 === 0 ? forbidden(i) : unauthenticated(i)));
    assert.deepEqual(statuses, [403, 401, 403, 401, 403, 401]);
    assert.equal((await get('127.0.0.33', '/.well-known/jwks.json', { 'X-Forwarded-For': '198.51.100.200' })).status, 429);
  });

  it('records repeated login failures from one address, and the account lockout they cause', async () => {
    const victim = { email: 'nobody-here@example.com', password: 'wrong password, long enough' };
    for (let i = 0; i < 3; i++) assert.equal((await loginFrom(port, '127.0.0.34', victim)).status, 401);
    const repeated = await eventuallyEvent(
      port,
      adminToken,
      (e) => e.type === 'repeated_login_failures' && e.ip === '127.0.0.34',
      'repeated login failures',
    );
    assert.equal(repeated.details.failures, 3);
    await eventuallyEvent(port, adminToken, (e) => e.type === 'account_locked' && e.ip === '127.0.0.34', 'lockout');
  });

  it('records injection-shaped input rejected by validation, naming the fields but never quoting them', async () => {
    const res = await httpFrom(port, {
      method: 'POST',
      path: '/api/v1/auth/register',
      from: '127.0.0.35',
      body: { email: "x' OR '1'='1", password: strongPassword(), displayName: '<script>alert(1)</script>' },
    });
    assert.equal(res.status, 400);
    const event = await eventuallyEvent(port, adminToken, (e) => e.type === 'injection_attempt' && e.ip === '127.0.0.35', 'sql');
    assert.equal(event.details.kinds, 'script,sql');
    assert.match(String(event.details.fields), /body\.email/);
    assert.match(String(event.details.fields), /body\.displayName/);
    assert.doesNotMatch(JSON.stringify(event), /OR '1'|<script>/, 'the input itself is never stored');

    const nosql = await httpFrom(port, {
      method: 'POST',
      path: '/api/v1/auth/login',
      from: '127.0.0.36',
      body: { email: { $ne: null }, password: 'anything at all here' },
    });
    assert.equal(nosql.status, 400);
    const nosqlEvent = await eventuallyEvent(
      port,
      adminToken,
      (e) => e.type === 'injection_attempt' && e.ip === '127.0.0.36',
      'nosql',
    );
    assert.equal(nosqlEvent.details.kinds, 'nosql');

    const traversal = await get('127.0.0.37', '/api/v1/notes/..%2F..%2Fetc%2Fpasswd');
    assert.ok([400, 401, 404].includes(traversal.status), `got ${traversal.status}`);
    const traversalEvent = await eventuallyEvent(
      port,
      adminToken,
      (e) => e.type === 'injection_attempt' && e.ip === '127.0.0.37',
      'path traversal',
    );
    assert.match(String(traversalEvent.details.kinds), /path_traversal/);
  });

  it('counts a 400 as suspicious only when its input is injection-shaped', async () => {
    const plain = () => httpFrom(port, { method: 'POST', path: '/api/v1/auth/register', from: '127.0.0.38', body: {} });
    assert.deepEqual(await burst(THRESHOLD + 1, plain), Array(THRESHOLD + 1).fill(400));

    const shaped = (i: number) =>
      httpFrom(port, {
        method: 'POST',
        path: '/api/v1/auth/register',
        from: '127.0.0.39',
        body: { email: `a${i}@example.com' UNION SELECT password FROM users --`, password: 'x', displayName: 'y' },
      });
    assert.deepEqual(await burst(THRESHOLD, shaped), Array(THRESHOLD).fill(400));
    assert.equal((await shaped(99)).status, 429);
  });

  it('stores refresh-token reuse as a security event naming the account', async () => {
    const user = await registerFrom(port, '127.0.2.4', 'reuse');
    const login = await loginFrom(port, '127.0.2.5', user);
    const { refreshToken } = login.json<{ refreshToken: string }>();
    const refresh = () =>
      httpFrom(port, { method: 'POST', path: '/api/v1/auth/refresh', from: '127.0.0.40', body: { refreshToken } });
    assert.equal((await refresh()).status, 200);
    assert.equal((await refresh()).status, 401);
    const event = await eventuallyEvent(
      port,
      adminToken,
      (e) => e.type === 'refresh_token_reuse' && e.actorId === user.id,
      'reuse',
    );
    assert.equal(event.ip, '127.0.0.40');
  });

  it('lists security events newest first as { id, timestamp, type, ip, actorId?, details }, paginated', async () => {
    const all = await securityEvents(port, adminToken, ADMIN_FROM);
    assert.ok(all.length >= 5);
    for (const event of all) {
      assert.deepEqual(
        Object.keys(event).filter((key) => !['id', 'timestamp', 'type', 'ip', 'actorId', 'details'].includes(key)),
        [],
      );
      assert.match(event.id, /^[0-9a-f-]{36}$/);
      assert.equal(new Date(event.timestamp).toISOString(), event.timestamp);
      assert.equal(typeof event.details, 'object');
    }
    const times = all.map((event) => event.timestamp);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');

    const page = await get(ADMIN_FROM, '/api/v1/security-events?page=2&limit=2', { Authorization: `Bearer ${adminToken}` });
    assert.equal(page.status, 200);
    const body = page.json<{ items: unknown[]; page: number; limit: number; total: number }>();
    assert.equal(body.page, 2);
    assert.equal(body.limit, 2);
    assert.equal(body.items.length, 2);
    // Events of earlier requests may still be landing (they are stored in batches, after a short
    // delay): the total lies between the two full reads around the page.
    const allAfter = await securityEvents(port, adminToken, ADMIN_FROM);
    assert.ok(
      body.total >= all.length && body.total <= allAfter.length,
      `total ${body.total}, read ${all.length}..${allAfter.length}`,
    );
    const tooMany = await get(ADMIN_FROM, '/api/v1/security-events?limit=101', { Authorization: `Bearer ${adminToken}` });
    assert.equal(tooMany.status, 400);
  });
});

describe('intrusion detection: a block ends after IDS_BLOCK_SECONDS', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ IDS_BLOCK_THRESHOLD: '2', IDS_WINDOW_SECONDS: '3600', IDS_BLOCK_SECONDS: '1' });
  });
  after(async () => t.close());

  it('refuses the client for IDS_BLOCK_SECONDS, then serves it again', async () => {
    const port = portOf(t);
    await burst(2, () => httpFrom(port, { path: '/no-such-route', from: '127.0.0.41' }));
    assert.equal((await httpFrom(port, { path: '/.well-known/jwks.json', from: '127.0.0.41' })).status, 429);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await httpFrom(port, { path: '/.well-known/jwks.json', from: '127.0.0.41' })).status, 200);
  });
});

describe('intrusion detection: IDS_ENABLED=false', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ IDS_ENABLED: 'false', IDS_BLOCK_THRESHOLD: '2', IDS_WINDOW_SECONDS: '3600' });
  });
  after(async () => t.close());

  it('neither blocks clients nor records detections when switched off', async () => {
    const port = portOf(t);
    const statuses = await burst(5, () => httpFrom(port, { path: '/no-such-route', from: '127.0.0.42' }));
    assert.deepEqual(statuses, Array(5).fill(404));
    assert.equal((await httpFrom(port, { path: '/.well-known/jwks.json', from: '127.0.0.42' })).status, 200);
  });
});
