import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Schema comes only from migrations (never `synchronize`). If an entity and the migrations
 * drift apart, TypeORM's schema builder would have SQL to run; this test fails on any such SQL,
 * on whichever database the suite runs against (SQLite by default, PostgreSQL with TEST_DATABASE).
 */
describe('migrations and entities agree', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t.close());

  it('has applied every migration at start', async () => {
    const dataSource = t.app.get(DataSource);
    assert.equal(await dataSource.showMigrations(), false, 'pending migrations after start');
  });

  it('needs no schema change to match the entities', async () => {
    const dataSource = t.app.get(DataSource);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    assert.deepEqual(
      pending.upQueries.map((query) => query.query),
      [],
      'entities differ from migrations: write a migration for these changes',
    );
  });

  it('never synchronizes the schema from entities', () => {
    assert.equal(t.app.get(DataSource).options.synchronize, false);
  });
});

describe('DB_MIGRATE_ON_START=false', () => {
  it('leaves migrations to `cli migrate`', async () => {
    const t = await startTestApp({ DB_MIGRATE_ON_START: 'false' });
    try {
      const dataSource = t.app.get(DataSource);
      const migrations = dataSource.migrations.length;
      assert.equal(await dataSource.showMigrations(), migrations > 0);
    } finally {
      await t.close();
    }
  });
});
