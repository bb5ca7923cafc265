import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { normaliseEmail } from './normalise-email.js';

/** Length of a blind index: hex of an HMAC-SHA-256, so `varchar(64)`, fixed. */
export const BLIND_INDEX_LENGTH = 64;
const PURPOSE = /^[a-z][a-z0-9_.-]{0,63}$/;

/**
 * Searchable, keyed hashes of encrypted values (docs/architecture.md#crypto-behind-two-small-seams): HMAC-SHA-256 under BLIND_INDEX_KEY
 * over a normalised value, stored in its own indexed column. It allows equality lookups and
 * unique indexes on data that is otherwise stored encrypted (a random nonce makes two
 * encryptions of the same value differ). It uses its own key, never a field-encryption key, so
 * rotating FIELD_ENCRYPTION_KEYS leaves every index valid (one key, one purpose).
 * It reveals equality of values (and their frequency) to whoever reads the table; without the
 * key it cannot be brute-forced offline, unlike a plain hash of a low-entropy email (ASVS 11.4.1).
 */
export class BlindIndexService {
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    this.key = createSecretKey(Buffer.from(key));
  }

  /** The blind index of an email address, e.g. for `users.emailHash` (normalised first). */
  email(email: string): string {
    return this.compute('email', normaliseEmail(email));
  }

  /**
   * The blind index of an already-normalised value. `purpose` separates domains, so the index
   * of one kind of value never matches that of another kind that happens to share its text.
   */
  compute(purpose: string, normalisedValue: string): string {
    if (!PURPOSE.test(purpose)) throw new Error(`Invalid blind-index purpose "${purpose}"`);
    return createHmac('sha256', this.key).update(`${purpose}\u0000${normalisedValue}`, 'utf8').digest('hex');
  }
}
