import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { CompiledInsert, MAX_ROWS_PER_INSERT } from '../../src/database/compiled-insert.js';

/** Stored reversed, read back as written: proves values pass through the column transformer. */
const reversed = {
  to: (value: string | null) => (value === null ? null : [...value].reverse().join('')),
  from: (value: string | null) => (value === null ? null : [...value].reverse().join('')),
};

@Entity('insert_probe')
class Row {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'boolean' })
  flag: boolean;

  @Column({ type: 'text', nullable: true, transformer: reversed })
  note: string | null;
}

/**
 * The audit trail's batch insert (src/database/compiled-insert.ts) must store exactly what
 * TypeORM's own insert would: every column, through the driver and the transformers, values
 * bound as parameters, any number of rows (chunked under the bound-parameter limit).
 */
describe('compiled insert', () => {
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [Row], logging: false });

  before(async () => {
    await dataSource.initialize();
    await dataSource.query(
      'CREATE TABLE insert_probe (id varchar(36) PRIMARY KEY, position integer NOT NULL, flag boolean NOT NULL, note text)',
    );
  });
  after(() => dataSource.destroy());

  it('stores rows as TypeORM’s insert does, in chunks, inside the caller’s transaction', async () => {
    const inserter = new CompiledInsert(dataSource, Row);
    const count = MAX_ROWS_PER_INSERT * 2 + 7;
    const rows: Row[] = Array.from({ length: count }, (_, position) => ({
      id: `r${position}`,
      position,
      flag: position % 2 === 0,
      note: position % 3 === 0 ? null : `n'${position}"); DROP TABLE insert_probe; --`,
    }));
    await dataSource.transaction((manager) => inserter.insert(manager, rows));
    const stored = await dataSource.getRepository(Row).find({ order: { position: 'ASC' } });
    assert.deepEqual(
      stored.map((row) => ({ ...row })),
      rows,
    );
    const raw: { note: string | null }[] = await dataSource.query("SELECT note FROM insert_probe WHERE id = 'r1'");
    assert.equal(raw[0]!.note, [...rows[1]!.note!].reverse().join(''), 'written through the transformer');
  });

  it('writes nothing when the transaction rolls back', async () => {
    const inserter = new CompiledInsert(dataSource, Row);
    await assert.rejects(
      dataSource.transaction(async (manager) => {
        await inserter.insert(manager, [{ id: 'rolled-back', position: -1, flag: true, note: null }]);
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await dataSource.getRepository(Row).countBy({ id: 'rolled-back' }), 0);
  });

  it('generates one statement per row count, with parameters only', () => {
    const inserter = new CompiledInsert(dataSource, Row);
    assert.equal(
      inserter.statement(2),
      'INSERT INTO "insert_probe" ("id", "position", "flag", "note") VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
    );
  });
});
