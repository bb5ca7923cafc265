import { createSecretKey, type KeyObject } from 'node:crypto';
import type { FieldKey } from '../config/app-config.js';
import { FIELD_KEY_ID } from '../config/secret-rules.js';

/** A field-encryption key imported once at boot: the raw bytes never travel past this file. */
export interface KeyringEntry {
  readonly id: string;
  readonly key: KeyObject;
}

const AES_256_KEY_BYTES = 32;

/**
 * The field-encryption keys by id, one active (docs/architecture.md#crypto-behind-two-small-seams). The active key encrypts; every key
 * decrypts, which is what lets FIELD_ENCRYPTION_KEYS rotate without downtime: prepend a new key,
 * run `cli reencrypt`, then drop the old one (ASVS 11.2.2 crypto agility, 13.3.4 key rotation).
 * Keys become non-extractable KeyObjects once, not Buffers re-parsed per value (docs/architecture.md#performance-habits).
 */
export class Keyring {
  private readonly byId: ReadonlyMap<string, KeyObject>;

  private constructor(
    readonly active: KeyringEntry,
    entries: readonly KeyringEntry[],
  ) {
    this.byId = new Map(entries.map((entry) => [entry.id, entry.key]));
  }

  /** First key is active, the rest decrypt only (docs/configuration.md FIELD_ENCRYPTION_KEYS). */
  static fromConfig(keys: readonly FieldKey[]): Keyring {
    if (keys.length === 0) throw new Error('The keyring needs at least one field-encryption key');
    const seen = new Set<string>();
    const entries = keys.map(({ id, key }) => {
      // Ids travel inside every stored value: they must never contain the format's "." separator.
      if (!FIELD_KEY_ID.test(id)) throw new Error(`Field-encryption key id "${id}" is not a valid key id`);
      if (seen.has(id)) throw new Error(`Field-encryption key id "${id}" appears twice`);
      if (key.length !== AES_256_KEY_BYTES) throw new Error(`Field-encryption key "${id}" must be 32 bytes (AES-256)`);
      seen.add(id);
      return { id, key: createSecretKey(Buffer.from(key)) };
    });
    return new Keyring(entries[0]!, entries);
  }

  /** The key for a stored value's id, or undefined when that key is not (or no longer) configured. */
  get(id: string): KeyObject | undefined {
    return this.byId.get(id);
  }

  get ids(): readonly string[] {
    return [...this.byId.keys()];
  }
}
