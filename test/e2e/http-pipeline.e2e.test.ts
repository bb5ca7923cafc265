import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { LEAKY_MESSAGE, ProbeModule } from './probe/probe.module.js';

/** docs/http-contract.md proven black-box against the production pipeline (configureApp). */
function assertProblem(
  res: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
  status: number,
): void {
  assert.equal(res.status, status);
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.title, 'string');
  assert.equal(typeof res.body.type, 'string');
  assert.equal(typeof res.body.instance, 'string');
  assert.equal(res.body.requestId, res.headers['x-request-id']);
}

describe('HTTP pipeline', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ BODY_LIMIT: '1kb' }, { extraModules: [ProbeModule] });
  });
  after(async () => t.close());

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.http.get('/no/such/route');
    assertProblem(res, 404);
    const api = await t.http.get('/api/v1/no-such-resource');
    assertProblem(api, 404);
  });

  it('answers TRACE and unknown methods with 404 or 405, never echoing the request', async () => {
    for (const method of ['trace', 'put'] as const) {
      const res = await t.http[method]('/health/live').set('Cookie', 'session=secret');
      assert.ok([404, 405].includes(res.status), `${method} got ${res.status}`);
      assert.doesNotMatch(res.text, /session=secret/);
    }
  });

  it('refuses malformed JSON with a 400 problem that does not quote the input', async () => {
    const res = await t.http.post('/api/v1/probe/echo').set('Content-Type', 'application/json').send('{"name": "x",,}');
    assertProblem(res, 400);
    assert.doesNotMatch(JSON.stringify(res.body), /Unexpected|JSON\.parse|position/);
  });

  it('refuses a body over BODY_LIMIT with 413', async () => {
    const res = await t.http
      .post('/api/v1/probe/echo')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(2000) }));
    assertProblem(res, 413);
  });

  it('refuses a body that is not application/json with 415', async () => {
    const form = await t.http.post('/api/v1/probe/echo').type('form').send('name=x');
    assertProblem(form, 415);
    const text = await t.http.post('/api/v1/probe/echo').set('Content-Type', 'text/plain').send('{"name":"x"}');
    assertProblem(text, 415);
  });

  it('validates bodies: unknown properties and bad values are a 400 with errors[]', async () => {
    const ok = await t.http.post('/api/v1/probe/echo').send({ name: 'alice' });
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body, { name: 'alice' });

    const extra = await t.http.post('/api/v1/probe/echo').send({ name: 'alice', role: 'admin' });
    assertProblem(extra, 400);
    assert.deepEqual(
      (extra.body.errors as { field: string }[]).map((e) => e.field),
      ['role'],
    );

    const wrongType = await t.http.post('/api/v1/probe/echo').send({ name: 42 });
    assertProblem(wrongType, 400);
    assert.ok(
      (wrongType.body.errors as { field: string; message: string }[]).every((e) => e.field === 'name' && e.message.length > 0),
    );

    const array = await t.http.post('/api/v1/probe/echo').send([{ name: 'alice' }]);
    assertProblem(array, 400);

    const empty = await t.http.post('/api/v1/probe/echo');
    assertProblem(empty, 400);
  });

  it('refuses a repeated query parameter with 400', async () => {
    const once = await t.http.get('/api/v1/probe/page?limit=10');
    assert.equal(once.status, 200);
    assert.deepEqual(once.body, { limit: 10 });
    const twice = await t.http.get('/api/v1/probe/page?limit=10&limit=1000');
    assertProblem(twice, 400);
    assert.equal((twice.body.errors as { field: string }[])[0]?.field, 'limit');
    const tooBig = await t.http.get('/api/v1/probe/page?limit=1000');
    assertProblem(tooBig, 400);
  });

  it('answers a malformed UUID path parameter with 400, not 500', async () => {
    const res = await t.http.get('/api/v1/probe/items/not-a-uuid');
    assertProblem(res, 400);
    const ok = await t.http.get('/api/v1/probe/items/0b7c6a4e-8c7d-4f59-9a38-2f7f6b8b2c11');
    assert.equal(ok.status, 200);
  });

  it('turns an unexpected error into a generic 500 that leaks nothing', async () => {
    const res = await t.http.get('/api/v1/probe/boom');
    assertProblem(res, 500);
    const text = res.text;
    for (const leak of ['SELECT', 'password', '/srv/', '.ts', 'QueryFailedError', 'TypeORM', 'stack', 'Error:']) {
      assert.ok(!text.includes(leak), `500 body leaks "${leak}": ${text}`);
    }
    assert.deepEqual(Object.keys(res.body).sort(), ['detail', 'instance', 'requestId', 'status', 'title', 'type']);
    assert.ok(!text.includes(LEAKY_MESSAGE));
  });

  it('sets a generated X-Request-Id, keeping a valid incoming one as X-Correlation-Id and dropping an unsafe one', async () => {
    const generated = await t.http.get('/health/live');
    assert.match(generated.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(generated.headers['x-correlation-id'], undefined);
    const kept = await t.http.get('/health/live').set('X-Request-Id', 'client-trace-0001');
    assert.match(kept.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(kept.headers['x-correlation-id'], 'client-trace-0001');
    const injected = await t.http.get('/health/live').set('X-Request-Id', 'abc\tdef {"level":60}');
    assert.match(injected.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(injected.headers['x-correlation-id'], undefined);
  });

  it('sends security headers, no X-Powered-By, no HSTS over plain HTTP, and no-store on /api', async () => {
    const res = await t.http.get('/api/v1/probe/page');
    assert.equal(res.headers['x-powered-by'], undefined);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.headers['content-security-policy']);
    assert.ok(res.headers['x-frame-options']);
    assert.equal(res.headers['strict-transport-security'], undefined);
    assert.match(res.headers['cache-control'] ?? '', /no-store/);
    const error = await t.http.get('/api/v1/nothing-here');
    assert.match(error.headers['cache-control'] ?? '', /no-store/);
    assert.equal(error.headers['x-powered-by'], undefined);
  });

  it('sends no CORS headers when CORS_ORIGINS is empty', async () => {
    const res = await t.http.get('/health/live').set('Origin', 'https://evil.example');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});

describe('CORS allowlist (CORS_ORIGINS)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://app.example' });
  });
  after(async () => t.close());

  it('allows a listed origin and never reflects an unlisted one', async () => {
    const allowed = await t.http.get('/health/live').set('Origin', 'https://app.example');
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example');
    const denied = await t.http.get('/health/live').set('Origin', 'https://evil.example');
    assert.equal(denied.headers['access-control-allow-origin'], undefined);
    const preflight = await t.http
      .options('/api/v1/anything')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });
});
