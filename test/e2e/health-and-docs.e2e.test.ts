import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('health checks and OpenAPI', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t.close());

  it('serves liveness and a readiness check that pings the database', async () => {
    const live = await t.http.get('/health/live');
    assert.equal(live.status, 200);
    assert.deepEqual(live.body, { status: 'ok' });
    const ready = await t.http.get('/health/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ok');
    assert.equal(ready.body.info.database.status, 'up');
  });

  it('reports not ready, with a generic 503 problem, when the database is gone', async () => {
    const other = await startTestApp();
    try {
      const { DataSource } = await import('typeorm');
      await other.app.get(DataSource).destroy();
      const res = await other.http.get('/health/ready');
      assert.equal(res.status, 503);
      assert.match(res.headers['content-type'] ?? '', /problem\+json/);
      assert.doesNotMatch(res.text, /sqlite|postgres|Connection|Error/i);
    } finally {
      await other.close().catch(() => undefined);
    }
  });

  it('serves the OpenAPI UI and document at /docs outside production', async () => {
    const ui = await t.http.get('/docs');
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
    const doc = await t.http.get('/docs/openapi.json');
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths['/health/live']);
  });
});

describe('OpenAPI in production', () => {
  it('is off unless SWAGGER_ENABLED=true', async () => {
    const { generateSecrets } = await import('../../src/config/secret-generator.js');
    const secrets = { ...generateSecrets(), JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'https://api.test' };
    const prod = await startTestApp({ ...secrets, NODE_ENV: 'production' });
    try {
      assert.equal((await prod.http.get('/docs')).status, 404);
      assert.equal((await prod.http.get('/docs/openapi.json')).status, 404);
    } finally {
      await prod.close();
    }
    const enabled = await startTestApp({ ...secrets, NODE_ENV: 'production', SWAGGER_ENABLED: 'true' });
    try {
      assert.equal((await enabled.http.get('/docs')).status, 200);
    } finally {
      await enabled.close();
    }
  });
});
