import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPassword, normalisePassword } from '../../src/auth/passwords/password-policy.js';
import { acceptablePassword } from '../../src/auth/passwords/password-rules.js';
import { ProblemException } from '../../src/http/problem.exception.js';

/**
 * The password policy of docs/http-contract.md#auth (NIST SP 800-63B-4 §3.1.1.2, ASVS 5.0 V6.2): 15–128 code
 * points after NFKC, never truncated, any Unicode, no composition rules; common, breached,
 * repeated, padded or context-derived passwords refused.
 */
const COMMON = 'is a commonly used or breached password';
const CONTEXT = 'must not contain your email name or display name';

/** `length` code points of varied, non-dictionary text (no repeated unit, no padding). */
function passphrase(length: number): string {
  const words = 'quiet otters juggle seven amber lanterns beneath wobbly cathedral spires while humming'.split(' ');
  let text = '';
  for (let i = 0; [...text].length < length; i++) text += `${words[i % words.length]}${i} `;
  return [...text].slice(0, length).join('');
}

/** `length` distinct astral-plane ideographs (CJK Extension B): two UTF-16 units each, one code point. */
function astral(length: number): string {
  return Array.from({ length }, (_, i) => String.fromCodePoint(0x20000 + i * 7)).join('');
}

describe('password policy (NIST SP 800-63B-4, ASVS 6.2)', () => {
  it('accepts 15 to 128 characters and refuses 14 and 129', () => {
    assert.deepEqual(checkPassword(passphrase(14)), ['must be at least 15 characters']);
    assert.deepEqual(checkPassword(passphrase(15)), []);
    assert.deepEqual(checkPassword(passphrase(128)), []);
    assert.deepEqual(checkPassword(passphrase(129)), ['must be at most 128 characters']);
  });

  it('never truncates: a long password is refused, not cut to an accepted prefix, and kept whole', async () => {
    const accepted = passphrase(128);
    assert.deepEqual(checkPassword(`${accepted}!`), ['must be at most 128 characters']);
    assert.equal(await acceptablePassword('password', accepted, {}), accepted, 'all 128 characters are what gets hashed');
  });

  it('counts code points, not UTF-16 units, after NFKC', () => {
    assert.equal(astral(128).length, 256, 'each ideograph is a surrogate pair');
    assert.deepEqual(checkPassword(astral(128)), [], '128 code points are within the limit');
    assert.deepEqual(checkPassword(astral(129)), ['must be at most 128 characters']);
    // U+FB01 "ﬁ" is one code point as typed and two ("fi") after NFKC: the normalised length counts.
    assert.deepEqual(checkPassword(`${passphrase(127)}\uFB01`), ['must be at most 128 characters']);
    assert.deepEqual(checkPassword(`${passphrase(13)}\uFB01`), [], '13 + "fi" = 15 after NFKC');
  });

  it('refuses a password from the common / breached list, in any letter case', () => {
    assert.deepEqual(checkPassword('1qaz2wsx3edc4rfv'), [COMMON]);
    assert.deepEqual(checkPassword('Q1W2E3R4T5Y6U7I8'), [COMMON]);
  });

  it('refuses a short unit or a common password repeated', () => {
    assert.deepEqual(checkPassword('abcabcabcabcabc'), [COMMON], 'unit of 3 characters');
    assert.deepEqual(checkPassword('zzzzzzzzzzzzzzzzzzzz'), [COMMON], 'one character');
    assert.deepEqual(checkPassword('dragondragondragon'), [COMMON], 'a listed word three times');
  });

  it('refuses a common password padded with digits, symbols or spaces at either end', () => {
    for (const padded of [
      'dragon123456789012',
      '1234567890monkey',
      '!!!!!!!sunshine!!',
      '123dragon456789012',
      'password        ',
    ]) {
      assert.deepEqual(checkPassword(padded), [COMMON], padded);
    }
  });

  it('refuses the email local part and the display name, case-insensitively', () => {
    assert.deepEqual(checkPassword('hello it is Alice.Smith here', { email: 'alice.smith@example.com' }), [CONTEXT]);
    assert.deepEqual(checkPassword('mercer likes long passphrases', { displayName: 'Jonathan Mercer' }), [CONTEXT]);
    assert.deepEqual(checkPassword('jonathan mercer likes long passphrases', { displayName: 'Jonathan Mercer' }), [CONTEXT]);
    assert.deepEqual(
      checkPassword('al is a fine name for a pet', { email: 'al@example.com', displayName: 'Al' }),
      [],
      'words under 3 characters are not context words (they would refuse almost everything)',
    );
  });

  it('accepts any Unicode and needs no composition rules', () => {
    for (const password of [
      'Mot de passe très sûr à Noël',
      'пароль который никто не угадает',
      '웃는 고양이가 달을 보며 노래한다',
      'quiet otters juggle amber lanterns',
      '🦦🏮🎻 otters with lanterns 🎶',
    ]) {
      assert.deepEqual(checkPassword(password), [], password);
    }
  });

  it('treats full-width input as its NFKC equivalent', async () => {
    const fullWidth = 'ｑｕｉｅｔ\u3000ｏｔｔｅｒｓ\u3000ｊｕｇｇｌｅ';
    assert.equal(normalisePassword(fullWidth), 'quiet otters juggle');
    const fullWidthPhrase = 'ｑｕｉｅｔ\u3000ｏｔｔｅｒｓ\u3000ｊｕｇｇｌｅ\u3000ａｍｂｅｒ';
    assert.equal(
      await acceptablePassword('password', fullWidthPhrase, {}),
      'quiet otters juggle amber',
      'both spellings hash alike',
    );
    assert.deepEqual(checkPassword('ｐａｓｓｗｏｒｄｐａｓｓｗｏｒｄ'), [COMMON], 'a full-width common password is still common');
    assert.deepEqual(checkPassword('ｈｅｌｌｏ ａｌｉｃｅ ｓｍｉｔｈ ｆｒｉｅｎｄ', { displayName: 'Alice Smith' }), [CONTEXT]);
  });

  it('reports a refusal as a 400 ProblemException naming the field', async () => {
    await assert.rejects(
      () => acceptablePassword('newPassword', 'short', {}),
      (error: unknown) =>
        error instanceof ProblemException &&
        error.getStatus() === 400 &&
        error.problem.errors?.[0]?.field === 'newPassword' &&
        error.problem.errors[0].message === 'newPassword must be at least 15 characters',
    );
  });
});
