import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { BLIND_INDEX_LENGTH, BlindIndexService } from '../../src/crypto/blind-index.service.js';
import { normaliseEmail } from '../../src/crypto/normalise-email.js';

const b64 = () => randomBytes(32).toString('base64');

describe('email normalisation', () => {
  it('trims, applies NFKC and lower-cases', () => {
    assert.equal(normaliseEmail('  Alice@Example.COM\t'), 'alice@example.com');
    assert.equal(normaliseEmail('ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ'), 'alice@example.com'); // full-width forms
    assert.equal(normaliseEmail('\u3000ﬁona@example.com'), 'fiona@example.com'); // ideographic space, ligature
    assert.equal(normaliseEmail('bob+tag@example.com'), 'bob+tag@example.com'); // nothing else is rewritten
  });
});

describe('blind index (HMAC-SHA-256 under BLIND_INDEX_KEY)', () => {
  const key = randomBytes(32);
  const index = new BlindIndexService(key);

  it('is a fixed-length hex HMAC-SHA-256 of the purpose and the normalised value', () => {
    const value = index.email('Alice@Example.com');
    assert.equal(value.length, BLIND_INDEX_LENGTH);
    assert.match(value, /^[0-9a-f]{64}$/);
    assert.equal(value, createHmac('sha256', key).update('email\u0000alice@example.com').digest('hex'));
  });

  it('maps every spelling of one address to one index and different addresses to different ones', () => {
    const expected = index.email('alice@example.com');
    for (const variant of ['ALICE@EXAMPLE.COM', ' alice@example.com ', 'ａｌｉｃｅ@example.com']) {
      assert.equal(index.email(variant), expected, variant);
    }
    assert.notEqual(index.email('alice2@example.com'), expected);
  });

  it('separates purposes and keys', () => {
    assert.notEqual(index.compute('phone', 'alice@example.com'), index.email('alice@example.com'));
    assert.notEqual(new BlindIndexService(randomBytes(32)).email('alice@example.com'), index.email('alice@example.com'));
    assert.throws(() => index.compute('Bad Purpose', 'x'));
  });

  it('does not change when FIELD_ENCRYPTION_KEYS rotates', () => {
    const BLIND_INDEX_KEY = b64();
    const before = loadConfig({ NODE_ENV: 'test', FIELD_ENCRYPTION_KEYS: `k1:${b64()}`, BLIND_INDEX_KEY });
    const after = loadConfig({
      NODE_ENV: 'test',
      FIELD_ENCRYPTION_KEYS: `k2:${b64()},k1:${before.fieldEncryptionKeys[0]!.key.toString('base64')}`,
      BLIND_INDEX_KEY,
    });
    assert.equal(
      new BlindIndexService(after.blindIndexKey).email('a@b.example'),
      new BlindIndexService(before.blindIndexKey).email('a@b.example'),
    );
  });
});
