import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Keyring } from '../../src/crypto/keyring.js';

describe('keyring (FIELD_ENCRYPTION_KEYS)', () => {
  it('makes the first key active and keeps every key for decryption', () => {
    const keyring = Keyring.fromConfig([
      { id: 'new', key: randomBytes(32) },
      { id: 'old', key: randomBytes(32) },
    ]);
    assert.equal(keyring.active.id, 'new');
    assert.deepEqual(keyring.ids, ['new', 'old']);
    assert.ok(keyring.get('old'));
    assert.equal(keyring.get('missing'), undefined);
  });

  it('imports each key once as a 256-bit secret KeyObject, copied from the config buffer', () => {
    const raw = randomBytes(32);
    const keyring = Keyring.fromConfig([{ id: 'k1', key: raw }]);
    const key = keyring.active.key;
    assert.equal(key.type, 'secret');
    assert.equal(key.symmetricKeySize, 32);
    const before = key.export();
    raw.fill(0);
    assert.deepEqual(key.export(), before);
  });

  it('refuses an empty list, a duplicate id, an id with the separator and a key that is not 32 bytes', () => {
    assert.throws(() => Keyring.fromConfig([]));
    const key = randomBytes(32);
    assert.throws(
      () =>
        Keyring.fromConfig([
          { id: 'a', key },
          { id: 'a', key: randomBytes(32) },
        ]),
      /twice/,
    );
    assert.throws(() => Keyring.fromConfig([{ id: 'a.b', key }]), /key id/);
    assert.throws(() => Keyring.fromConfig([{ id: 'a', key: randomBytes(16) }]), /32 bytes/);
  });
});
