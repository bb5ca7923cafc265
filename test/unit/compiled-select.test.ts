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

/** Joined by owner_id = owner.id: its columns come back with a probe's, in the same query. */
@Entity('compiled_owner')
class Owner {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'boolean' })
  disabled: boolean;

  @Column({ type: 'text', transformer: upper })
  name: string;
}

/**
 * The hot-path query helper (src/database/compiled-select.ts) must return exactly what TypeORM's
 * own query would, for any parameter values: the SQL is built once, the values are bound on every
 * run (never part of the text), and rows are hydrated through the driver and transformers.
 */
describe('compiled select', () => {
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [Probe, Owner], logging: false });

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
    await dataSource.query(
      'CREATE TABLE compiled_owner (id varchar(36) PRIMARY KEY, disabled boolean NOT NULL, name text NOT NULL)',
    );
    await dataSource.getRepository(Owner).insert([
      { id: 'alice', disabled: false, name: 'alice' },
      { id: 'bob', disabled: true, name: 'bob' },
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

  it('reads joined columns in the same query, hydrated as their own entity would be', async () => {
    const withOwner = new CompiledSelect(dataSource, Probe, {
      alias: 'probe',
      select: ['id', 'ownerId'],
      parameters: ['id'],
      build: (query) => query.innerJoin(Owner, 'owner', 'owner.id = probe.ownerId').where('probe.id = :id'),
      joined: [{ alias: 'owner', entity: Owner, select: ['disabled', 'name'] }],
    });
    assert.deepEqual((await withOwner.oneJoined({ id: 'a' }))?.joined, { 'owner.disabled': false, 'owner.name': 'ALICE' });
    const bobs = await withOwner.oneJoined({ id: 'b' });
    assert.equal(bobs?.entity.ownerId, 'bob');
    assert.equal(bobs?.joined['owner.disabled'], true, 'a boolean, not the 1 SQLite stores');
    assert.equal(await withOwner.oneJoined({ id: 'missing' }), null);
    await dataSource.getRepository(Probe).insert({ id: 'orphan', ownerId: 'nobody', hidden: false, tags: [], label: 'x' });
    assert.equal(await withOwner.oneJoined({ id: 'orphan' }), null, 'inner join: no owner, no row');
  });
});
