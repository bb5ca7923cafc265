import type { DataSource } from 'typeorm';

/** Runs SQL with `:named` parameters on either database, bypassing entity transformers. */
export async function rawQuery(
  dataSource: DataSource,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<Record<string, unknown>[]> {
  const [query, values] = dataSource.driver.escapeQueryWithParameters(sql, params);
  return (await dataSource.query(query, values)) as Record<string, unknown>[];
}

export async function rawProbe(dataSource: DataSource, id: string): Promise<Record<string, string | null>> {
  const rows = await rawQuery(dataSource, 'SELECT secret, other_secret, email, email_hash FROM crypto_probe WHERE id = :id', {
    id,
  });
  return rows[0] as Record<string, string | null>;
}
