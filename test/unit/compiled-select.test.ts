import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { CompiledSelect } from '../../src/database/compiled-select.js';

/** A transformer that marks what it read, to prove hydration goes through column transformers. */
const upper = { to: (value: string) => value.toLowerCase(), from: (value: string | null) => value?.toUpperCase() ?? null };

@Entity('compiled_probe')
class Probe {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36, name: 'owner_id' })
  ownerId: string;

  @Column({ type: 'boolean' })
  hidden: boolean;

  @Column({ type: 'simple-json' })
  tags: string[];

  @Column({ type: 'text', transformer: upper })
  label: string;
}

/**
 * The hot-path query helper (src/database/compiled-select.ts) must return exactly what TypeORM's
 * own query would, for any parameter values: the SQL is built once, the values are bound on every
 * run (never part of the text), and rows are hydrated through the driver and transformers.
 */
describe('compiled select', () => {
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [Probe], logging: false });

  before(async () => {
    await dataSource.initialize();
    await dataSource.query(
      'CREATE TABLE compiled_probe (id varchar(36) PRIMARY KEY, owner_id varchar(36) NOT NULL, hidden boolean NOT NULL, tags text NOT NULL, label text NOT NULL)',
    );
    await dataSource.getRepository(Probe).insert([
      { id: 'a', ownerId: 'alice', hidden: false, tags: ['x'], label: 'first' },
      { id: 'b', ownerId: 'bob', hidden: true, tags: [], label: 'second' },
      { id: "c' OR '1'='1", ownerId: 'alice', hidden: false, tags: ['y', 'z'], label: 'third' },
    ]);
  });
  after(() => dataSource.destroy());

  it('hydrates rows as TypeORM does: types, simple-json and transformers', async () => {
    const byId = new CompiledSelect(dataSource, Probe, {
      alias: 'probe',
      parameters: ['id'],
      build: (query) => query.where('probe.id = :id'),
    });
    for (const id of ['a', 'b']) {
      const compiled = await byId.one({ id });
      const reference = await dataSource.getRepository(Probe).findOne({ where: { id } });
      assert.ok(compiled instanceof Probe);
      assert.deepEqual(compiled, reference);
    }
    assert.equal((await byId.one({ id: 'a' }))?.label, 'FIRST', 'read through the column transformer');
    assert.equal(await byId.one({ id: 'missing' }), null);
  });

  it('binds values as parameters: SQL-shaped input is data, never SQL', async () => {
    const byId = new CompiledSelect(dataSource, Probe, {
      alias: 'probe',
      select: ['id'],
      parameters: ['id'],
      build: (query) => query.where('probe.id = :id'),
    });
    assert.equal(byId.text.includes('alice'), false);
    assert.equal((await byId.one({ id: "c' OR '1'='1" }))?.id, "c' OR '1'='1");
    assert.equal(await byId.one({ id: "x' OR '1'='1" }), null);
  });

  it('maps repeated and reordered named parameters to their positions', async () => {
    const visible = new CompiledSelect(dataSource, Probe, {
      alias: 'probe',
      select: ['id', 'ownerId'],
      parameters: ['owner', 'hidden'],
      build: (query) =>
        query
          .where('probe.hidden = :hidden')
          .andWhere('(probe.ownerId = :owner OR probe.id = :owner)')
          .orderBy('probe.id', 'ASC'),
    });
    const rows = await visible.many({ owner: 'alice', hidden: false });
    assert.deepEqual(
      rows.map((row) => row.id),
      ['a', "c' OR '1'='1"],
    );
    assert.equal(rows[0]!.hidden, undefined, 'unselected columns are not read');
    assert.deepEqual(await visible.many({ owner: 'bob', hidden: false }), []);
    assert.deepEqual(
      (await visible.many({ owner: 'bob', hidden: true })).map((row) => row.id),
      ['b'],
    );
  });
});
