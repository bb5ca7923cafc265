import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ColumnBinding } from './column-binding.js';
import { DecryptionError } from './decryption.error.js';
import {
  FORMAT_VERSION,
  NONCE_BYTES,
  TAG_BYTES,
  formatSealedValue,
  parseSealedValue,
  sealedValuePrefix,
} from './field-value-format.js';
import type { Keyring } from './keyring.js';

const ALGORITHM = 'aes-256-gcm';

/**
 * Authenticated associated data: format version, key id, table and column. Binding the header
 * stops a downgrade or key-id swap; binding the column stops a value being copied elsewhere
 * (ASVS 11.3.3). JSON of an array is an unambiguous encoding of the four strings.
 */
function associatedData(keyId: string, binding: ColumnBinding): Buffer {
  return Buffer.from(JSON.stringify([FORMAT_VERSION, keyId, binding.table, binding.column]), 'utf8');
}

/**
 * The field cipher (docs/architecture.md#crypto-behind-two-small-seams): AES-256-GCM from node:crypto, a fresh random 96-bit nonce per
 * value, a 128-bit tag, and the key id inside the stored value (ASVS 11.2.1 vetted implementation,
 * 11.3.2 approved authenticated mode, 11.3.4 unique nonces from the CSPRNG). Random 96-bit nonces stay safe up to ~2^32 encryptions per key
 * (NIST SP 800-38D §8.3); rotate long before. Pure: no Nest, no I/O, no logging.
 */
export class FieldCipher {
  constructor(private readonly keyring: Keyring) {}

  encrypt(plaintext: string, binding: ColumnBinding): string {
    const { id, key } = this.keyring.active;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(id, binding));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return formatSealedValue(id, nonce, Buffer.concat([ciphertext, cipher.getAuthTag()]));
  }

  /** Returns the plaintext or throws DecryptionError; never returns unauthenticated bytes. */
  decrypt(stored: string, binding: ColumnBinding): string {
    const value = parseSealedValue(stored);
    if (value === undefined) throw new DecryptionError('malformed', binding, undefined);
    const key = this.keyring.get(value.keyId);
    if (key === undefined) throw new DecryptionError('unknown-key', binding, value.keyId);
    const tagStart = value.sealed.length - TAG_BYTES;
    try {
      const decipher = createDecipheriv(ALGORITHM, key, value.nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(value.keyId, binding));
      decipher.setAuthTag(value.sealed.subarray(tagStart));
      const plaintext = Buffer.concat([decipher.update(value.sealed.subarray(0, tagStart)), decipher.final()]);
      return plaintext.toString('utf8');
    } catch {
      // The OpenSSL message says nothing useful and must not reach a client: one reason for all.
      throw new DecryptionError('authentication-failed', binding, value.keyId);
    }
  }

  /** True when the value is already in the current format under the active key (reencrypt skips it). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(sealedValuePrefix(this.keyring.active.id));
  }

  get activeKeyId(): string {
    return this.keyring.active.id;
  }
}
