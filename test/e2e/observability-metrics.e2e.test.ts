import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { accessTokenFrom, burst, portOf } from '../support/clients.js';
import { httpFrom } from '../support/http-from.js';
import { strongPassword } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/tls-client.js';

const ADMIN_EMAIL = 'metrics-admin@example.com';
const ADMIN_FROM = '127.0.3.1';

/** The value of one series in Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split('\n')
    .find((row) =>
      row.startsWith(`${name}{`) || row.startsWith(`${name} `) ? wanted.every((label) => row.includes(label)) : false,
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * Metrics for operations and detection (ASVS 16.1, OWASP API4:2023): request counts and latency
 * by route template, refused authentications, throttled requests, security events, blocks, and
 * Node process metrics, at GET /metrics (an API key with metrics:read).
 */
describe('observability metrics (GET /metrics)', () => {
  let t: TestApp;
  let port: number;
  let key: string;
  const scrape = async () => {
    const res = await httpFrom(port, { path: '/metrics', from: ADMIN_FROM, headers: { 'X-API-Key': key } });
    assert.equal(res.status, 200);
    return res.body;
  };

  before(async () => {
    const password = strongPassword();
    t = await startTestApp({
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: password,
      THROTTLE_DEFAULT_LIMIT: '10',
      THROTTLE_DEFAULT_TTL: '3600',
      IDS_BLOCK_THRESHOLD: '4',
      IDS_WINDOW_SECONDS: '3600',
      IDS_BLOCK_SECONDS: '3600',
    });
    port = portOf(t);
    const token = await accessTokenFrom(port, '127.0.3.2', { email: ADMIN_EMAIL, password });
    const created = await httpFrom(port, {
      method: 'POST',
      path: '/api/v1/api-keys',
      from: '127.0.3.3',
      headers: { Authorization: `Bearer ${token}` },
      body: { name: 'scraper', scopes: ['metrics:read'] },
    });
    assert.equal(created.status, 201, created.body);
    key = created.json<{ key: string }>().key;
  });
  after(async () => t.close());

  it('counts requests by method, route template and status, never by raw URL', async () => {
    const id = randomUUID();
    const unknown = `/no-such-${randomBytes(4).toString('hex')}`;
    assert.equal((await httpFrom(port, { path: `/api/v1/notes/${id}`, from: '127.0.3.10' })).status, 401);
    assert.equal((await httpFrom(port, { path: unknown, from: '127.0.3.11' })).status, 404);
    const text = await scrape();
    assert.ok(
      sample(text, 'http_requests_total', { method: 'GET', route: '/api/v1/notes/:id', status: '401' }) >= 1,
      text
        .split('\n')
        .filter((l) => l.startsWith('http_requests_total'))
        .join('\n'),
    );
    assert.ok(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }) >= 1);
    assert.ok(!text.includes(id) && !text.includes(unknown), 'no raw URL in any label');
  });

  it('observes request durations in a histogram with the same labels', async () => {
    await httpFrom(port, { path: '/health/live', from: '127.0.3.12' });
    const text = await scrape();
    assert.match(text, /# TYPE http_request_duration_seconds histogram/);
    assert.ok(sample(text, 'http_request_duration_seconds_count', { route: '/health/live', status: '200' }) >= 1);
    assert.ok(sample(text, 'http_request_duration_seconds_bucket', { route: '/health/live', le: '+Inf' }) >= 1);
  });

  it('counts refused authentications by kind', async () => {
    await httpFrom(port, { path: '/api/v1/auth/me', from: '127.0.3.13' });
    await httpFrom(port, { path: '/api/v1/auth/me', from: '127.0.3.13', headers: { Authorization: 'Bearer not-a-token' } });
    await httpFrom(port, {
      method: 'POST',
      path: '/api/v1/auth/login',
      from: '127.0.3.14',
      body: { email: 'nobody@example.com', password: 'not the password at all' },
    });
    const text = await scrape();
    for (const kind of ['missing', 'bearer', 'login']) assert.ok(sample(text, 'auth_failures_total', { kind }) >= 1, kind);
  });

  it('counts throttled requests, blocks, blocked requests and security events by type', async () => {
    await burst(11, () => httpFrom(port, { path: '/.well-known/jwks.json', from: '127.0.3.15' }));
    await burst(4, (i) => httpFrom(port, { path: `/nothing-${i}`, from: '127.0.3.16' }));
    assert.equal((await httpFrom(port, { path: '/.well-known/jwks.json', from: '127.0.3.16' })).status, 429);
    let text = '';
    await waitFor(async () => {
      text = await scrape();
      return sample(text, 'security_events_total', { type: 'client_blocked' }) >= 1;
    });
    assert.ok(sample(text, 'throttled_requests_total', { throttler: 'default' }) >= 1);
    assert.equal(sample(text, 'ids_clients_blocked_total'), 1);
    assert.ok(sample(text, 'ids_blocked_requests_total') >= 1);
    assert.ok(sample(text, 'security_events_total', { type: 'suspicious_response_burst' }) >= 1);
  });

  it('keeps the Node process metrics', async () => {
    const text = await scrape();
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  });
});
