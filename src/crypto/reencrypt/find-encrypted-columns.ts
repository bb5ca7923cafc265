import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnBinding } from '../column-binding.js';
import { EncryptedTransformer } from '../encrypted.transformer.js';

type ColumnMetadata = EntityMetadata['columns'][number];

/** One encrypted column as the database sees it (physical names) plus its AAD binding. */
export interface EncryptedColumnLocation {
  /** Escaped table reference for SQL. */
  readonly tableSql: string;
  readonly table: string;
  readonly column: string;
  readonly primaryColumns: readonly string[];
  readonly binding: ColumnBinding;
}

function encryptedTransformerOf(column: ColumnMetadata): EncryptedTransformer | undefined {
  const transformers = Array.isArray(column.transformer) ? column.transformer : [column.transformer];
  return transformers.find((transformer): transformer is EncryptedTransformer => transformer instanceof EncryptedTransformer);
}

function locate(dataSource: DataSource, metadata: EntityMetadata, column: ColumnMetadata, transformer: EncryptedTransformer) {
  const escape = (name: string) => dataSource.driver.escape(name);
  const tableSql = metadata.schema ? `${escape(metadata.schema)}.${escape(metadata.tableName)}` : escape(metadata.tableName);
  return {
    tableSql,
    table: metadata.tableName,
    column: column.databaseName,
    primaryColumns: metadata.primaryColumns.map((primary) => primary.databaseName),
    binding: transformer.binding,
  };
}

/**
 * Every encrypted column of every entity the DataSource knows, read from TypeORM's metadata (the
 * column's transformer), so a newly declared @EncryptedColumn is re-encrypted without anyone
 * remembering to list it.
 */
export function findEncryptedColumns(dataSource: DataSource): EncryptedColumnLocation[] {
  return dataSource.entityMetadatas
    .filter((metadata) => metadata.tableType !== 'view')
    .flatMap((metadata) =>
      metadata.columns.flatMap((column) => {
        const transformer = encryptedTransformerOf(column);
        return transformer === undefined ? [] : [locate(dataSource, metadata, column, transformer)];
      }),
    );
}
