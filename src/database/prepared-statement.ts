import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * What a hot query hands to `query()`: on PostgreSQL a named prepared statement, elsewhere the
 * SQL text itself.
 *
 * A statement with a name is parsed and planned by PostgreSQL once per connection and afterwards
 * only bound and executed (node-postgres remembers which names each connection has prepared);
 * an unnamed one is parsed and planned on every run. The name is derived from the text, so the
 * same text always gets the same name and two texts never share one.
 *
 * TypeORM hands the query to node-postgres untouched, and node-postgres accepts a query config
 * (`{ name, text }`) where it accepts text. So the statement travels through TypeORM and the
 * unit-of-work patch (src/database/request-transaction.ts, which reads it as text through
 * `toString`) as an object that stringifies to its SQL. A fresh object per run: node-postgres
 * copies the config and adds the values to the copy, so nothing of one run stays on it.
 *
 * Behind a connection pooler in transaction mode (PgBouncer before 1.21, or without
 * `max_prepared_statements`), named statements break: DATABASE_PREPARED_STATEMENTS=false turns
 * them off (docs/configuration.md, docs/performance.md "PostgreSQL").
 */
export function preparedStatement(dataSource: DataSource, sql: string): () => string {
  if (dataSource.options.type !== 'postgres' || !preparedStatementsOn(dataSource)) return () => sql;
  const name = `h_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
  const toString = () => sql;
  // Typed as the text TypeORM's signature expects; node-postgres reads `name` and `text`.
  return () => ({ name, text: sql, toString }) as unknown as string;
}

/**
 * DATABASE_PREPARED_STATEMENTS, carried in the pool options (data-source-options.ts), which
 * node-postgres ignores; on unless set to false, so a DataSource built elsewhere (a test) prepares.
 */
function preparedStatementsOn(dataSource: DataSource): boolean {
  const extra = (dataSource.options as { extra?: { preparedStatements?: unknown } }).extra;
  return extra?.preparedStatements !== false;
}
