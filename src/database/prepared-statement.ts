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
 * Behind a connection pooler in transaction mode (PgBouncer), named statements need the
 * pooler's support (PgBouncer 1.21+ with `max_prepared_statements`): docs/performance.md.
 */
export function preparedStatement(dataSource: DataSource, sql: string): () => string {
  if (dataSource.options.type !== 'postgres') return () => sql;
  const name = `h_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
  const toString = () => sql;
  // Typed as the text TypeORM's signature expects; node-postgres reads `name` and `text`.
  return () => ({ name, text: sql, toString }) as unknown as string;
}
