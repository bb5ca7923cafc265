import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MetricsRegistry } from '../../src/metrics/metrics.registry.js';
import { portOf, registerFrom } from '../support/clients.js';
import { httpFrom } from '../support/http-from.js';
import { type Account } from '../support/identity.js';
import { eventuallyEvent } from '../support/security-events-reader.js';
import { startTestAppWithAdmin } from '../support/app-with-admin.js';
import { type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'spelling-admin@example.com';
const ADMIN_FROM = '127.0.3.1';

async function loginFailures(t: TestApp): Promise<number> {
  const metric = await t.app.get(MetricsRegistry).authFailures.get();
  return metric.values.find((value) => value.labels.kind === 'login')?.value ?? 0;
}

/**
 * One spelling per route. Routing is case-sensitive and strict, so any other
 * spelling of a path is a 404 that issues nothing; every response is no-store whatever its path;
 * and the path-keyed controls (repeated-login detection, auth-failure metrics) key on the route a
 * request reached, so an absolute-form request target (`POST http://host/api/v1/auth/login`),
 * which does reach the login route, is counted like the usual spelling.
 */
describe('other spellings of a path', () => {
  let t: TestApp;
  let port: number;
  let account: Account;
  let adminToken: string;

  before(async () => {
    ({ t, adminToken } = await startTestAppWithAdmin(
      {
        IDS_BLOCK_THRESHOLD: '1000',
        IDS_WINDOW_SECONDS: '3600',
        LOGIN_MAX_FAILURES: '3',
      },
      ADMIN_EMAIL,
      ADMIN_FROM,
    ));
    port = portOf(t);
    account = await registerFrom(port, '127.0.3.2', 'spelling');
  });
  after(async () => t.close());

  it('answers another spelling of the login path with a no-store 404 that issues no token', async () => {
    const spellings = [
      '/API/v1/auth/login',
      '/api/V1/auth/login',
      '/api/v1/Auth/Login',
      '/api/v1/auth/login/',
      '//api/v1/auth/login',
      '/api//v1/auth/login',
      '/api/v1/auth%2Flogin',
      '/api/v1/auth/%6Cogin',
      '/api/v1/auth/%6cogin',
      '/api/v1/notes/../auth/login',
      '/api/v1/./auth/login',
      '/api/v1/auth/login;x',
    ];
    for (const path of spellings) {
      const res = await httpFrom(port, {
        method: 'POST',
        path,
        from: '127.0.3.3',
        body: { email: account.email, password: account.password },
      });
      assert.equal(res.status, 404, `${path} answered ${res.status}`);
      assert.doesNotMatch(res.body, /accessToken/, path);
      assert.equal(res.headers['cache-control'], 'no-store', path);
    }
    const canonical = await httpFrom(port, {
      method: 'POST',
      path: '/api/v1/auth/login',
      from: '127.0.3.3',
      body: { email: account.email, password: account.password },
    });
    assert.equal(canonical.status, 200);
    assert.equal(canonical.headers['cache-control'], 'no-store');
  });

  it('keeps other routes to one spelling too (trailing slash, case, operational paths)', async () => {
    const headers = { Authorization: `Bearer ${adminToken}` };
    for (const path of ['/api/v1/notes/', '/api/v1/NOTES', '/api/v1/users/', '/Health/live', '/health/live/', '/METRICS']) {
      const res = await httpFrom(port, { path, from: ADMIN_FROM, headers });
      assert.equal(res.status, 404, `${path} answered ${res.status}`);
      assert.equal(res.headers['cache-control'], 'no-store', path);
    }
    assert.equal((await httpFrom(port, { path: '/api/v1/notes', from: ADMIN_FROM, headers })).status, 200);
    assert.equal((await httpFrom(port, { path: '/health/live', from: ADMIN_FROM })).status, 200);
  });

  it('counts failed logins sent with an absolute-form target in repeated-login detection and metrics', async () => {
    const before = await loginFailures(t);
    const victim = { email: 'absent-spelling@example.com', password: 'wrong password, long enough' };
    for (let i = 0; i < 3; i++) {
      const res = await httpFrom(port, {
        method: 'POST',
        path: `http://127.0.0.1:${port}/api/v1/auth/login`,
        from: '127.0.3.4',
        body: victim,
      });
      assert.equal(res.status, 401, 'the absolute-form target reaches the login route');
      assert.equal(res.headers['cache-control'], 'no-store');
    }
    const event = await eventuallyEvent(
      port,
      adminToken,
      (e) => e.type === 'repeated_login_failures' && e.ip === '127.0.3.4',
      'repeated login failures through an absolute-form target',
      ADMIN_FROM,
    );
    assert.equal(event.details.failures, 3);
    assert.equal((await loginFailures(t)) - before, 3, 'auth_failures_total{kind="login"} counts them');
  });
});
