import type { OnApplicationShutdown } from '@nestjs/common';
import type { SecurityEvents } from '../security-events/security-events.js';
import type { ColumnBinding } from './column-binding.js';
import { DecryptionError } from './decryption.error.js';
import type { FieldCipher } from './field-cipher.js';
import { installFieldCrypto, uninstallFieldCrypto, type FieldCryptoPort } from './field-crypto.holder.js';

/**
 * The application's field crypto: the cipher under this app's keyring, plus detection. A value
 * that fails to decrypt means a tampered or moved row, or a key removed too early, so every
 * failure is recorded as a `decryption_failure` security event naming table, column and key id,
 * never the value (ASVS 16.3.4 security control failures), before the error propagates to a generic 500.
 */
export class FieldCrypto implements FieldCryptoPort, OnApplicationShutdown {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly events: SecurityEvents,
  ) {
    installFieldCrypto(this);
  }

  encrypt(plaintext: string, binding: ColumnBinding): string {
    return this.cipher.encrypt(plaintext, binding);
  }

  decrypt(stored: string, binding: ColumnBinding): string {
    try {
      return this.cipher.decrypt(stored, binding);
    } catch (error) {
      if (error instanceof DecryptionError) {
        this.events.record('decryption_failure', {
          table: binding.table,
          column: binding.column,
          keyId: error.keyId ?? null,
          reason: error.reason,
        });
      }
      throw error;
    }
  }

  /** Already in the current format under the active key: `cli reencrypt` leaves it alone. */
  isCurrent(stored: string): boolean {
    return this.cipher.isCurrent(stored);
  }

  get activeKeyId(): string {
    return this.cipher.activeKeyId;
  }

  /** The last shutdown hook, so work flushed while the app closes can still encrypt and decrypt. */
  onApplicationShutdown(): void {
    uninstallFieldCrypto(this);
  }
}
