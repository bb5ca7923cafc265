import type { ValueTransformer } from 'typeorm';
import type { EntityClass } from '../database/entity-class.js';
import type { ColumnBinding } from './column-binding.js';
import { currentFieldCrypto } from './field-crypto.holder.js';
import { resolveColumnBinding } from './resolve-column-binding.js';

/**
 * Encrypts on write and decrypts on read for one @EncryptedColumn (docs/architecture.md#the-request-path: column
 * transformers). It is the only code path between entities and the field cipher, so a field
 * marked encrypted can never be persisted in clear (ASVS 14.2.4 / 11.3.3).
 */
export class EncryptedTransformer implements ValueTransformer {
  private resolved: ColumnBinding | undefined;

  constructor(
    readonly entity: EntityClass,
    readonly propertyName: string,
    private readonly columnName: string | undefined,
    pinned: ColumnBinding | undefined,
  ) {
    this.resolved = pinned;
  }

  /** The table and column authenticated with every value of this column. */
  get binding(): ColumnBinding {
    this.resolved ??= resolveColumnBinding(this.entity, this.propertyName, this.columnName);
    return this.resolved;
  }

  to(value: unknown): string | null | undefined {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'string') {
      // Find operators (Like, MoreThan…) cannot work on ciphertext; search through a blind index.
      throw new TypeError(`Encrypted column ${this.entity.name}.${this.propertyName} only stores strings`);
    }
    return currentFieldCrypto().encrypt(value, this.binding);
  }

  from(value: unknown): string | null {
    if (value === null || value === undefined) return null;
    // A non-text database value can only be a malformed one: let the cipher refuse it as such.
    return currentFieldCrypto().decrypt(typeof value === 'string' ? value : '', this.binding);
  }
}
