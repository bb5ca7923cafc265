import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ColumnBinding } from '../../src/crypto/column-binding.js';
import { DecryptionError, type DecryptionFailureReason } from '../../src/crypto/decryption.error.js';
import { FieldCipher } from '../../src/crypto/field-cipher.js';
import { Keyring } from '../../src/crypto/keyring.js';

/** The field cipher (docs/architecture.md#crypto-behind-two-small-seams, ASVS 11.3.2 / 11.3.3): AES-256-GCM, random nonce, AAD = table + column. */
const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const notes: ColumnBinding = { table: 'notes', column: 'body' };
const FORMAT = /^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/;

function cipher(...keys: { id: string; key: Buffer }[]): FieldCipher {
  return new FieldCipher(Keyring.fromConfig(keys));
}

function assertRefused(action: () => unknown, reason: DecryptionFailureReason): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof DecryptionError, `expected DecryptionError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    return true;
  });
}

/** Flips one bit of one base64url part of a stored value (part 2 = nonce, 3 = ciphertext+tag). */
function flipBit(stored: string, part: number, byteFromEnd = 0): string {
  const parts = stored.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  const index = byteFromEnd === 0 ? 0 : bytes.length - byteFromEnd;
  bytes[index]! ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('field cipher (AES-256-GCM)', () => {
  const c = cipher(k1);

  it('round-trips ASCII, Unicode, the empty string and a long body', () => {
    for (const plaintext of ['hello', 'Grüße 👋 日本語 ﬁ \u0000 end', '', 'x'.repeat(20_000)]) {
      const stored = c.encrypt(plaintext, notes);
      assert.match(stored, FORMAT);
      assert.equal(c.decrypt(stored, notes), plaintext);
    }
  });

  it('stores v1.<keyId>.<nonce>.<ciphertext+tag> and never the plaintext', () => {
    const stored = c.encrypt('alice@example.com', notes);
    const [version, keyId, nonce, sealed] = stored.split('.');
    assert.equal(version, 'v1');
    assert.equal(keyId, 'k1');
    assert.equal(Buffer.from(nonce!, 'base64url').length, 12);
    assert.equal(Buffer.from(sealed!, 'base64url').length, 'alice@example.com'.length + 16);
    assert.ok(!stored.includes('alice'));
  });

  it('uses a fresh nonce for every value (no repeats over 20,000 encryptions of one plaintext)', () => {
    const nonces = new Set<string>();
    const values = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const stored = c.encrypt('same plaintext', notes);
      nonces.add(stored.split('.')[2]!);
      values.add(stored);
    }
    assert.equal(nonces.size, 20_000);
    assert.equal(values.size, 20_000);
  });

  it('binds each value to its table and column: a copied value does not decrypt elsewhere', () => {
    const stored = c.encrypt('secret', notes);
    assertRefused(() => c.decrypt(stored, { table: 'notes', column: 'title' }), 'authentication-failed');
    assertRefused(() => c.decrypt(stored, { table: 'users', column: 'body' }), 'authentication-failed');
    // The encoding is unambiguous: shifting a character between table and column is another context.
    assertRefused(() => c.decrypt(stored, { table: 'note', column: 'sbody' }), 'authentication-failed');
    assert.equal(c.decrypt(stored, { ...notes }), 'secret');
  });

  it('detects tampering with every part of the stored value', () => {
    const stored = c.encrypt('pay 100 to alice', notes);
    const parts = stored.split('.');
    assertRefused(() => c.decrypt(flipBit(stored, 2), notes), 'authentication-failed'); // nonce
    assertRefused(() => c.decrypt(flipBit(stored, 3), notes), 'authentication-failed'); // ciphertext
    assertRefused(() => c.decrypt(flipBit(stored, 3, 1), notes), 'authentication-failed'); // tag
    assertRefused(() => c.decrypt(['v2', ...parts.slice(1)].join('.'), notes), 'malformed'); // version
    const truncated = Buffer.from(parts[3]!, 'base64url').subarray(0, -1).toString('base64url');
    assertRefused(() => c.decrypt([...parts.slice(0, 3), truncated].join('.'), notes), 'authentication-failed'); // short tag
    // 32 sealed bytes end in a character with 4 unused bits: setting one keeps the bytes, breaks canonical form.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonical = stored.slice(0, -1) + alphabet[alphabet.indexOf(stored.at(-1)!) | 1]!;
    assert.deepEqual(Buffer.from(nonCanonical.split('.')[3]!, 'base64url'), Buffer.from(parts[3]!, 'base64url'));
    assertRefused(() => c.decrypt(nonCanonical, notes), 'malformed');
    assertRefused(() => c.decrypt(`${stored}.x`, notes), 'malformed');
    assertRefused(() => c.decrypt(`${parts[0]}.${parts[1]}.${parts[2]}!.${parts[3]}`, notes), 'malformed');
    assertRefused(() => c.decrypt(`${parts[0]}.${parts[1]}.${parts[2]}.`, notes), 'malformed');
    assertRefused(() => c.decrypt('', notes), 'malformed');
    assertRefused(() => c.decrypt('pay 100 to alice', notes), 'malformed');
  });

  it('authenticates the key id: relabelling a value with another configured key id fails', () => {
    const both = cipher(k1, k2);
    const relabelled = c.encrypt('secret', notes).replace('v1.k1.', 'v1.k2.');
    assertRefused(() => both.decrypt(relabelled, notes), 'authentication-failed');
  });

  it('refuses a value under a key id that is not configured', () => {
    const stored = cipher(k2).encrypt('secret', notes);
    assertRefused(() => c.decrypt(stored, notes), 'unknown-key');
  });

  it('refuses a value under the wrong key material for its id', () => {
    const impostor = cipher({ id: 'k1', key: randomBytes(32) });
    assertRefused(() => impostor.decrypt(c.encrypt('secret', notes), notes), 'authentication-failed');
  });

  it('decrypts with any configured key and encrypts with the active one (rotation)', () => {
    const old = c.encrypt('rotate me', notes);
    const rotated = cipher(k2, k1);
    assert.equal(rotated.decrypt(old, notes), 'rotate me');
    assert.equal(rotated.isCurrent(old), false);
    const fresh = rotated.encrypt('rotate me', notes);
    assert.match(fresh, /^v1\.k2\./);
    assert.equal(rotated.isCurrent(fresh), true);
  });

  it('names neither the plaintext nor the ciphertext in its error', () => {
    const stored = c.encrypt('top secret plaintext', notes);
    const tampered = flipBit(stored, 3);
    try {
      c.decrypt(tampered, notes);
      assert.fail('decrypt should throw');
    } catch (error) {
      const text = `${String(error)} ${JSON.stringify(error)}`;
      assert.ok(!text.includes('top secret'));
      assert.ok(!text.includes(tampered.split('.')[3]!));
      assert.ok(!text.includes(tampered.split('.')[2]!));
      assert.match(text, /notes\.body/);
    }
  });
});
