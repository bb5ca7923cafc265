import type { EntityClass } from '../database/entity-class.js';
import type { EncryptedTransformer } from './encrypted.transformer.js';

/**
 * Every @EncryptedColumn declared in the loaded code, by entity class and property. Audit
 * redaction reads it to keep encrypted-at-rest fields out of audit payloads (docs/http-contract.md#audit-events); the
 * reencrypt command reads the same transformers from the DataSource metadata. No hand-kept list.
 */
const columns: EncryptedTransformer[] = [];

export function registerEncryptedColumn(transformer: EncryptedTransformer): void {
  columns.push(transformer);
}

export function listEncryptedColumns(): readonly EncryptedTransformer[] {
  return [...columns];
}

/** Property names of `entity` that are encrypted at rest. */
export function encryptedPropertiesOf(entity: EntityClass): readonly string[] {
  return columns.filter((column) => column.entity === entity).map((column) => column.propertyName);
}

export function isEncryptedProperty(entity: EntityClass, propertyName: string): boolean {
  return encryptedPropertiesOf(entity).includes(propertyName);
}
