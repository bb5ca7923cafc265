import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { ApiKeyUsageTracker } from '../../src/api-keys/api-key-usage.tracker.js';
import { login, registerUser, bearer } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/tls-client.js';

/**
 * API-key usage (useCount, lastUsedAt) is what operators monitor keys with (OWASP API9:2023):
 * a transient database error must not lose a batch, and shutdown writes what is pending
 * (docs/operations.md "What API-key usage can lose").
 */
describe('API-key usage accounting', () => {
  let t: TestApp;
  let dataSource: DataSource;

  before(async () => {
    t = await startTestApp();
    dataSource = t.app.get(DataSource);
  });
  after(() => t.close());

  async function createKey(): Promise<{ id: string; key: string }> {
    const owner = await registerUser(t, 'usage');
    const tokens = await login(t, owner);
    const res = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(tokens.accessToken))
      .send({ name: 'usage', scopes: ['notes:read'] });
    assert.equal(res.status, 201);
    return res.body as { id: string; key: string };
  }

  async function useCount(id: string): Promise<number> {
    const sql =
      t.db.kind === 'postgres' ? 'SELECT use_count FROM api_keys WHERE id = $1' : 'SELECT use_count FROM api_keys WHERE id = ?';
    const [row] = (await dataSource.query(sql, [id])) as { use_count: number }[];
    return Number(row!.use_count);
  }

  /** Every UPDATE of api_keys fails while the trigger exists: a database refusing writes for a while. */
  async function refuseKeyUpdates(on: boolean): Promise<void> {
    if (t.db.kind === 'postgres') {
      if (on) {
        await dataSource.query(
          "CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'transient failure'; END $$",
        );
        await dataSource.query(
          'CREATE TRIGGER refuse_update BEFORE UPDATE ON api_keys FOR EACH ROW EXECUTE FUNCTION refuse_update()',
        );
      } else {
        await dataSource.query('DROP TRIGGER refuse_update ON api_keys');
        await dataSource.query('DROP FUNCTION refuse_update()');
      }
    } else if (on) {
      await dataSource.query(
        "CREATE TRIGGER refuse_update BEFORE UPDATE ON api_keys BEGIN SELECT RAISE(ABORT, 'transient failure'); END",
      );
    } else {
      await dataSource.query('DROP TRIGGER refuse_update');
    }
  }

  it('keeps the uses of a batch whose write failed and writes them once the database accepts again', async () => {
    const { id, key } = await createKey();
    const tracker = t.app.get(ApiKeyUsageTracker);
    await refuseKeyUpdates(true);
    try {
      for (let i = 0; i < 20; i++) assert.equal((await t.http.get('/api/v1/notes').set('X-API-Key', key)).status, 200);
      // Two flushes fail (the periodic one may run as well): the uses stay pending.
      await tracker.flush();
      await tracker.flush();
      assert.equal(await useCount(id), 0);
      assert.ok(tracker.pendingUses >= 20, `${tracker.pendingUses} uses pending after the failed writes`);
    } finally {
      await refuseKeyUpdates(false);
    }
    await waitFor(async () => (await useCount(id)) === 20, 5000, 'the retried write');
    assert.equal(tracker.pendingUses, 0);
  });

  it('writes pending uses on shutdown, after the last request', async () => {
    const { id, key } = await createKey();
    const other = await startTestApp({}, {}, t.db);
    try {
      for (let i = 0; i < 7; i++) assert.equal((await other.http.get('/api/v1/notes').set('X-API-Key', key)).status, 200);
    } finally {
      // Closed at once, before its one-second flush: shutdown must write the seven uses.
      await other.close();
    }
    assert.equal(await useCount(id), 7);
  });
});
