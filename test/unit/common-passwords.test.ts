import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { commonPasswords, passwordList } from '../../src/auth/passwords/common-passwords.js';

/**
 * The common-password list is stored compactly (a sorted Buffer searched by binary search, not
 * a Set of 49,000 strings: docs/performance.md); its answers must be exactly those of the Set it
 * replaced, built from the same dictionary.
 */
const { dictionary } = createRequire(import.meta.url)(
  '@zxcvbn-ts/language-common',
) as typeof import('@zxcvbn-ts/language-common');
const reference = new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));

describe('common-password list (compact)', () => {
  it('holds every entry of the dictionary, lower-cased, and nothing more', () => {
    const list = commonPasswords();
    assert.equal(list.size, reference.size);
    for (const entry of reference) assert.ok(list.has(entry), entry);
  });

  it('answers like a Set for words that are not on it: prefixes, extensions, case, non-ASCII', () => {
    const list = commonPasswords();
    for (const entry of [...reference].slice(0, 2000)) {
      for (const probe of [
        entry.slice(0, -1),
        `${entry}x`,
        `${entry}\u0000`,
        entry.toUpperCase(),
        `${entry}é`,
        `\uD800${entry}`,
      ]) {
        assert.equal(list.has(probe), reference.has(probe), JSON.stringify(probe));
      }
    }
    assert.equal(list.has(''), reference.has(''));
  });

  it('answers like a Set for arbitrary strings', () => {
    const list = commonPasswords();
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (word) => list.has(word) === reference.has(word)),
      { numRuns: 5000 },
    );
  });

  it('works on any small list, including an empty one', () => {
    assert.equal(passwordList([]).has('a'), false);
    const small = passwordList(['b', 'a', 'ab', 'abc', 'a']);
    assert.equal(small.size, 4);
    for (const word of ['a', 'b', 'ab', 'abc']) assert.ok(small.has(word), word);
    for (const word of ['', 'c', 'abcd', 'aa', 'ba']) assert.equal(small.has(word), false, word);
    assert.throws(() => passwordList(['caf\u00e9']), /non-ASCII/);
  });
});
