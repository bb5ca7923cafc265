import type { ColumnBinding } from './column-binding.js';

/** Why a stored value was refused; never the value itself. */
export type DecryptionFailureReason = 'malformed' | 'unknown-key' | 'authentication-failed';

/**
 * Thrown whenever a stored value cannot be decrypted: wrong or unknown key, tampered or moved
 * value, bad format. Decryption never returns garbage. The message names only the column, the
 * key id and the reason (no plaintext, no ciphertext), and the problem-details filter turns it
 * into a generic 500 (ASVS 16.5.1), while FieldCrypto records it as a security event.
 */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';

  constructor(
    readonly reason: DecryptionFailureReason,
    readonly binding: ColumnBinding,
    /** The key id named by the stored value, when it could be parsed. */
    readonly keyId: string | undefined,
  ) {
    super(`Stored value of ${binding.table}.${binding.column} could not be decrypted (${reason}, key ${keyId ?? 'n/a'})`);
  }
}
