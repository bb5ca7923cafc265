import type { ColumnBinding } from './column-binding.js';

/** What column transformers need from the application's field crypto. */
export interface FieldCryptoPort {
  encrypt(plaintext: string, binding: ColumnBinding): string;
  decrypt(stored: string, binding: ColumnBinding): string;
}

/**
 * Bridge between TypeORM transformers (created at import time, before any config exists) and
 * the keys of the running application. Each app's FieldCrypto installs itself on construction
 * and uninstalls on shutdown. Several apps in one process (the e2e tests) form a stack: the most
 * recently started live app wins, and closing it hands back to the previous one. Two apps with
 * different keys serving at the same time in one process is therefore not supported; one app
 * per process (production) is unaffected.
 */
const installed: FieldCryptoPort[] = [];

export function installFieldCrypto(crypto: FieldCryptoPort): void {
  installed.push(crypto);
}

export function uninstallFieldCrypto(crypto: FieldCryptoPort): void {
  const index = installed.lastIndexOf(crypto);
  if (index >= 0) installed.splice(index, 1);
}

export function currentFieldCrypto(): FieldCryptoPort {
  const crypto = installed.at(-1);
  // Fail closed: without keys an encrypted column is neither written in clear nor read as garbage.
  if (crypto === undefined) throw new Error('Field encryption is not initialised: import CryptoModule (AppModule does)');
  return crypto;
}
