import { Column } from 'typeorm';
import type { EntityClass } from '../database/entity-class.js';
import type { ColumnBinding } from './column-binding.js';
import { registerEncryptedColumn } from './encrypted-columns.registry.js';
import { EncryptedTransformer } from './encrypted.transformer.js';

export interface EncryptedColumnOptions {
  /** Database column name (default: the property name); also the column named in the AAD. */
  readonly name?: string;
  readonly nullable?: boolean;
  /**
   * Pins the table and column authenticated with each value. Only needed after renaming a
   * table or column that already holds data: keep the old names here so old values decrypt.
   */
  readonly binding?: ColumnBinding;
}

/**
 * A string property stored encrypted (AES-256-GCM, see field-cipher.ts) in a `text` column.
 * Use it for personal or secret data whose disclosure through a database dump, a backup or a
 * SQL injection would harm users (ASVS 14.1.1 / 14.2.4, OWASP API8:2023). Encrypted columns
 * cannot be searched, sorted or uniquely indexed: pair them with a blind-index column for
 * equality lookups. Declare them on the @Entity class itself.
 */
export function EncryptedColumn(options: EncryptedColumnOptions = {}): PropertyDecorator {
  return (target, propertyKey) => {
    if (typeof propertyKey !== 'string') throw new TypeError('@EncryptedColumn needs a string property name');
    const entity = target.constructor as EntityClass;
    const transformer = new EncryptedTransformer(entity, propertyKey, options.name, options.binding);
    registerEncryptedColumn(transformer);
    Column({
      type: 'text',
      nullable: options.nullable ?? false,
      ...(options.name === undefined ? {} : { name: options.name }),
      transformer,
    })(target, propertyKey);
  };
}
