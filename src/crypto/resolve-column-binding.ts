import { DefaultNamingStrategy, getMetadataArgsStorage } from 'typeorm';
import type { EntityClass } from '../database/entity-class.js';
import type { ColumnBinding } from './column-binding.js';

const naming = new DefaultNamingStrategy();

/**
 * The table and column named in an encrypted column's associated data, from the entity's own
 * declaration (the @Entity name, else TypeORM's default snake_case of the class; the column's
 * `name` option, else the property). Resolved lazily, on first use, because property decorators
 * run before the class decorator. It deliberately ignores custom naming strategies so the AAD
 * never changes under an unrelated refactor; a real rename pins the old names via `binding`.
 */
export function resolveColumnBinding(entity: EntityClass, propertyName: string, columnName: string | undefined): ColumnBinding {
  const table = getMetadataArgsStorage().tables.find((args) => args.target === entity);
  if (table === undefined) {
    throw new Error(
      `@EncryptedColumn ${entity.name}.${propertyName} must be declared on the @Entity class itself (its AAD names the table)`,
    );
  }
  return { table: naming.tableName(entity.name, table.name), column: columnName ?? propertyName };
}
