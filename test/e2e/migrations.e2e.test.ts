import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/load-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { runMigrations } from '../../src/database/run-migrations.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-database.js';

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
  it('refuses to serve a schema with pending migrations, then serves once `migrate` ran', async () => {
    const db = await createTestDatabase();
    try {
      await assert.rejects(startTestApp({ DB_MIGRATE_ON_START: 'false' }, {}, db), /Pending database migrations/);
      const dataSource = await new DataSource(
        buildDataSourceOptions(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, ...db.secrets })),
      ).initialize();
      await runMigrations(dataSource);
      await dataSource.destroy();
      const t = await startTestApp({ DB_MIGRATE_ON_START: 'false' }, {}, db);
      assert.equal((await t.http.get('/health/ready')).status, 200);
      await t.app.close();
    } finally {
      await db.drop();
    }
  });
});
