import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { preparedStatement } from './prepared-statement.js';

/** Rows per INSERT: keeps every statement well under SQLite's bound-parameter limit (32,766). */
export const MAX_ROWS_PER_INSERT = 100;

/**
 * A multi-row INSERT of every column of an entity, for a hot write path (the audit trail's
 * group commit): the statement text for n rows is generated once per n from the entity
 * metadata, in the driver's own parameter syntax (`?` or `$1`), instead of by TypeORM's insert
 * builder on every batch. Values are always bound as parameters and pass through the driver and
 * the column transformers exactly as TypeORM's insert would (timestamps as ISO text, encrypted
 * columns encrypted, booleans as the driver stores them). On PostgreSQL the one-row statement is a
 * named prepared statement (prepared-statement.ts).
 */
export class CompiledInsert<Entity extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;
  private readonly statements = new Map<number, string>();
  private readonly prepared = new Map<number, () => string>();

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<Entity>,
  ) {
    this.metadata = dataSource.getMetadata(entity);
  }

  /** Inserts the rows through `manager` (a transaction's, to write inside it), in chunks. */
  insert(manager: EntityManager, rows: readonly Entity[]): Promise<void> {
    return this.insertWith((statement, values) => manager.query(statement, values), rows);
  }

  /** The same, each chunk's statement and values handed to `run` (a pooled client's query, say). */
  async insertWith(run: (statement: string, values: unknown[]) => Promise<unknown>, rows: readonly Entity[]): Promise<void> {
    const driver = this.dataSource.driver;
    const columns = this.metadata.columns;
    for (let start = 0; start < rows.length; start += MAX_ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + MAX_ROWS_PER_INSERT);
      const values = chunk.flatMap((row) =>
        columns.map((column) => driver.preparePersistentValue(column.getEntityValue(row), column) as unknown),
      );
      let statement = this.prepared.get(chunk.length);
      if (!statement) {
        // Only the one-row statement is prepared by name (a new note; an audit batch of one, the
        // common case below saturation): a name per batch size would keep up to a hundred
        // statements of up to 1,900 parameters on every pooled connection.
        const sql = this.statement(chunk.length);
        statement = chunk.length === 1 ? preparedStatement(this.dataSource, sql) : () => sql;
        this.prepared.set(chunk.length, statement);
      }
      await run(statement(), values);
    }
  }

  /** The statement for `count` rows (tests and docs). */
  statement(count: number): string {
    let sql = this.statements.get(count);
    if (sql === undefined) {
      const driver = this.dataSource.driver;
      const columns = this.metadata.columns;
      const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
      let index = 0;
      const tuples = Array.from(
        { length: count },
        () => `(${columns.map((column) => driver.createParameter(column.databaseName, index++)).join(', ')})`,
      );
      sql = `INSERT INTO ${driver.escape(this.metadata.tableName)} (${names}) VALUES ${tuples.join(', ')}`;
      this.statements.set(count, sql);
    }
    return sql;
  }
}
