import type { DataSource } from 'typeorm';
import type { FieldCrypto } from '../field-crypto.js';
import { sealedValuePrefix } from '../field-value-format.js';
import type { EncryptedColumnLocation } from './find-encrypted-columns.js';

type Row = Record<string, unknown>;

/**
 * Rewrites every value of one column that is not yet under the active key, `batchSize` rows per
 * transaction. Values already under the active key are never selected, so the job is idempotent
 * and can be interrupted and rerun at any point. The UPDATE is conditional on the old value, so a
 * row the application rewrote meanwhile is left alone. A value that does not decrypt aborts the
 * run (its batch rolls back): dropping a key it still needs would lose data. Returns the count.
 */
export async function reencryptColumn(
  dataSource: DataSource,
  crypto: FieldCrypto,
  location: EncryptedColumnLocation,
  batchSize: number,
): Promise<number> {
  const { driver } = dataSource;
  const column = driver.escape(location.column);
  const primary = location.primaryColumns.map((name) => driver.escape(name));
  if (primary.length === 0) throw new Error(`${location.table} has no primary key; cannot re-encrypt ${location.column}`);
  const prefix = sealedValuePrefix(crypto.activeKeyId);
  const selectSql =
    `SELECT ${primary.map((pk, i) => `${pk} AS ${driver.escape(`pk${i}`)}`).join(', ')}, ${column} AS ${driver.escape('sealed')} ` +
    `FROM ${location.tableSql} WHERE ${column} IS NOT NULL AND substr(${column}, 1, ${prefix.length}) <> :prefix LIMIT ${batchSize}`;
  const updateSql =
    `UPDATE ${location.tableSql} SET ${column} = :fresh WHERE ` +
    [...primary.map((pk, i) => `${pk} = :pk${i}`), `${column} = :sealed`].join(' AND ');

  let rewritten = 0;
  for (;;) {
    const [selected, updated] = await dataSource.transaction(async (manager) => {
      const runner = manager.queryRunner!;
      const [select, selectParams] = driver.escapeQueryWithParameters(selectSql, { prefix });
      const rows = (await runner.query(select, selectParams)) as Row[];
      let count = 0;
      for (const row of rows) {
        const fresh = crypto.encrypt(crypto.decrypt(String(row.sealed), location.binding), location.binding);
        const [update, updateParams] = driver.escapeQueryWithParameters(updateSql, { ...row, fresh });
        const result = await runner.query(update, updateParams, true);
        count += result.affected ?? 0;
      }
      return [rows.length, count] as const;
    });
    rewritten += updated;
    if (selected < batchSize) return rewritten;
    // A full batch with no row rewritten would select the same rows forever.
    if (updated === 0) throw new Error(`Re-encryption of ${location.table}.${location.column} made no progress`);
  }
}
