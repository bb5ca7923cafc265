import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { CompiledInsert } from '../../src/database/compiled-insert.js';
import { CompiledSelect } from '../../src/database/compiled-select.js';
import { postgresPool, withPooledClient } from '../../src/database/postgres-pool.js';
import { installRequestTransactions, openUnitOfWork } from '../../src/database/request-transaction.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

@Entity('hot_path_probe')
class HotPathProbe {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'text' })
  label: string;
}

/**
 * The PostgreSQL hot paths (docs/performance.md, "PostgreSQL"): compiled reads and inserts run as
 * named prepared statements, and a compiled read outside a transaction goes straight to the pool,
 * but never when it must see a transaction's own writes: inside an explicit transaction or a
 * request's unit of work that has written. On SQLite the same calls take TypeORM's path and give
 * the same answers. One pooled connection here, so the session PostgreSQL lists its prepared
 * statements for is the one the queries ran on.
 */
describe('compiled statements on the hot path', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let byId: CompiledSelect<HotPathProbe, 'id'>;
  let inserter: CompiledInsert<HotPathProbe>;

  before(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(
      db.kind === 'postgres'
        ? { type: 'postgres', url: db.url, entities: [HotPathProbe], extra: { max: 1, connectionTimeoutMillis: 3000 } }
        : { type: 'better-sqlite3', database: db.url.slice('sqlite:'.length), entities: [HotPathProbe] },
    );
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE hot_path_probe (id varchar(36) PRIMARY KEY, label text NOT NULL)');
    installRequestTransactions(dataSource);
    byId = new CompiledSelect(dataSource, HotPathProbe, {
      alias: 'probe',
      parameters: ['id'],
      build: (query) => query.where('probe.id = :id'),
    });
    inserter = new CompiledInsert(dataSource, HotPathProbe);
  });
  after(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('reads and inserts through compiled statements, values bound (PostgreSQL: prepared once, by name)', async () => {
    const id = randomUUID();
    await inserter.insert(dataSource.manager, [{ id, label: "it's here" }]);
    assert.equal((await byId.one({ id }))?.label, "it's here");
    assert.equal(await byId.one({ id: "x' OR '1'='1" }), null);
    if (db.kind !== 'postgres') return;
    const prepared = (await dataSource.query('SELECT name, statement FROM pg_prepared_statements')) as {
      name: string;
      statement: string;
    }[];
    const select = prepared.find((row) => row.statement === byId.text);
    assert.ok(select, 'the compiled read is a prepared statement of the session it ran on');
    assert.match(select.name, /^h_[0-9a-f]{24}$/);
    assert.ok(
      prepared.some((row) => row.statement === inserter.statement(1)),
      'the one-row insert is a prepared statement too',
    );
    await inserter.insert(dataSource.manager, [
      { id: randomUUID(), label: 'two' },
      { id: randomUUID(), label: 'rows' },
    ]);
    const afterBatch = (await dataSource.query('SELECT statement FROM pg_prepared_statements')) as { statement: string }[];
    assert.ok(!afterBatch.some((row) => row.statement === inserter.statement(2)), 'a batch of another size is not kept by name');
  });

  it('a connection whose prepared statements the server dropped is discarded, and the next read prepares again', async (t) => {
    if (db.kind !== 'postgres') return t.skip('PostgreSQL only');
    const id = randomUUID();
    await inserter.insert(dataSource.manager, [{ id, label: 'kept' }]);
    assert.equal((await byId.one({ id }))?.label, 'kept');
    // What a pooler's DISCARD does behind node-postgres's back (one pooled connection: this one).
    await dataSource.query('DEALLOCATE ALL');
    await assert.rejects(
      byId.one({ id }),
      (error: Error & { driverError?: { code?: string } }) => error.driverError?.code === '26000',
    );
    assert.equal((await byId.one({ id }))?.label, 'kept', 'a fresh connection, the statement prepared again');
  });

  it('a connection that dies while checked out is discarded, without an unhandled error event', async (t) => {
    if (db.kind !== 'postgres') return t.skip('PostgreSQL only');
    const pool = postgresPool(dataSource)!;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await assert.rejects(
        withPooledClient(pool, async (client) => {
          const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
          await admin.query('SELECT pg_terminate_backend($1)', [pid]);
          // Give the socket time to close: node-postgres then emits 'error' on the client, which
          // would end the process if nothing listened while it is checked out.
          await new Promise((resolve) => setTimeout(resolve, 500));
          await client.query('SELECT 1');
        }),
      );
    } finally {
      await admin.end();
    }
    assert.equal(await byId.one({ id: randomUUID() }), null, 'the pool serves again on a new connection');
  });

  it('DATABASE_PREPARED_STATEMENTS=false: the same statements, unnamed', async (t) => {
    if (db.kind !== 'postgres') return t.skip('PostgreSQL only');
    const unprepared = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [HotPathProbe],
      extra: { max: 1, preparedStatements: false },
    });
    await unprepared.initialize();
    try {
      const read = new CompiledSelect(unprepared, HotPathProbe, {
        alias: 'probe',
        parameters: ['id'],
        build: (query) => query.where('probe.id = :id'),
      });
      const id = randomUUID();
      await new CompiledInsert(unprepared, HotPathProbe).insert(unprepared.manager, [{ id, label: 'plain' }]);
      assert.equal((await read.one({ id }))?.label, 'plain');
      assert.deepEqual(await unprepared.query('SELECT name FROM pg_prepared_statements'), []);
    } finally {
      await unprepared.destroy();
    }
  });

  it("sees an open transaction's own write only inside that transaction", async () => {
    const id = randomUUID();
    await dataSource
      .transaction(async (manager) => {
        await inserter.insert(manager, [{ id, label: 'uncommitted' }]);
        assert.equal((await byId.one({ id }, manager))?.label, 'uncommitted');
        if (db.kind === 'postgres') {
          // Outside it (straight to the pool): not visible. With one pooled connection, held by
          // this transaction, such a read would wait for it, so it is made on a second pool.
          const other = new DataSource({ type: 'postgres', url: db.url, entities: [HotPathProbe] });
          await other.initialize();
          try {
            const elsewhere = new CompiledSelect(other, HotPathProbe, {
              alias: 'probe',
              parameters: ['id'],
              build: (query) => query.where('probe.id = :id'),
            });
            assert.equal(await elsewhere.one({ id }), null);
          } finally {
            await other.destroy();
          }
        }
        throw new Error('roll back');
      })
      .catch((error: unknown) => assert.equal((error as Error).message, 'roll back'));
    assert.equal(await byId.one({ id }), null, 'rolled back');
  });

  it("reads inside a request's unit of work see its writes once it has written", { timeout: 30_000 }, async () => {
    const id = randomUUID();
    const unit = openUnitOfWork(dataSource)!;
    try {
      await unit.run(async () => {
        assert.equal(await byId.one({ id }), null, 'before the first write: an ordinary read');
        await dataSource.getRepository(HotPathProbe).insert({ id, label: 'in the unit' });
        // On PostgreSQL the unit holds the only pooled connection: a read sent to the pool instead
        // of into the unit would wait for it and fail after connectionTimeoutMillis.
        assert.equal((await byId.one({ id }))?.label, 'in the unit', 'after it: inside the unit');
      });
    } finally {
      await unit.abandon();
    }
    assert.equal(await byId.one({ id }), null, 'the abandoned unit rolled back');
  });
});
