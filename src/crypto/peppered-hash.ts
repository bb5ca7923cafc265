import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * HMAC-SHA-256 under API_KEY_PEPPER for high-entropy bearer secrets (refresh tokens, API keys).
 * They are random, so a fast keyed hash is enough (no password hashing needed), and without the
 * pepper a stolen table cannot even be checked against guesses (ASVS 11.4.1 / 7.2.2).
 */
export class PepperedHash {
  private readonly key: KeyObject;

  constructor(pepper: Buffer) {
    this.key = createSecretKey(Buffer.from(pepper));
  }

  /** Lower-case hex, 64 chars. */
  hash(secret: string): string {
    return createHmac('sha256', this.key).update(secret, 'utf8').digest('hex');
  }

  /** Constant-time comparison of a presented secret with a stored hash. */
  matches(secret: string, storedHash: string): boolean {
    const expected = Buffer.from(storedHash, 'hex');
    const actual = Buffer.from(this.hash(secret), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
