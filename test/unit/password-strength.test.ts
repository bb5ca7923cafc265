import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GUESSABLE_PASSWORDS } from '../support/guessable-passwords.js';
import { assessPassword } from '../../src/auth/passwords/password-policy.js';
import { passwordStrength, StrengthCheckUnavailableError } from '../../src/auth/passwords/password-strength.js';
import {
  MAX_ANALYSED_CODE_POINTS,
  MIN_STRENGTH_SCORE,
  estimateStrength,
} from '../../src/auth/passwords/password-strength.estimator.js';

/** Besides the shared list: one character repeated, and a l33t-spelled word repeated. */
const GUESSABLE = [...GUESSABLE_PASSWORDS, 'kkkkkkkkkkkkkkkkkkkk', 'p4$$w0rdp4$$w0rdp4$$w0rd'];

const GOOD = [
  'quiet otters juggle amber lanterns',
  'correct horse 3f9a1c77e2b4 staple',
  'Mot de passe très sûr à Noël',
  'пароль который никто не угадает',
  '🦦🏮🎻 otters with lanterns 🎶',
  'wobbly cathedral spires hum at dusk',
];

/**
 * The strength rule of the password policy (src/auth/passwords/password-strength.estimator.ts):
 * zxcvbn-ts pattern matchers with the common and English dictionaries, refused below
 * MIN_STRENGTH_SCORE. The estimator is called directly (no list rule in the way), then the whole
 * policy through its worker thread.
 */
describe('password strength (zxcvbn-ts)', () => {
  it('scores sequences, keyboard walks, repeats and padded repeated words below the minimum', () => {
    for (const password of GUESSABLE) {
      const verdict = estimateStrength(password);
      assert.ok(verdict.score < MIN_STRENGTH_SCORE, `${password} scored ${verdict.score}`);
      assert.ok(verdict.weaknesses.length > 0, `${password}: no reason given`);
    }
  });

  it('scores good passphrases at or above the minimum', () => {
    for (const password of GOOD) assert.ok(estimateStrength(password).score >= MIN_STRENGTH_SCORE, password);
  });

  it('names the pattern that made a password guessable', () => {
    assert.ok(estimateStrength('poiuytrewqlkjhgfd').weaknesses.includes('a keyboard pattern'));
    assert.ok(estimateStrength('abcdefghijklmno').weaknesses.includes('a sequence such as abc or 123'));
    assert.ok(estimateStrength('dragondragondragon1').weaknesses.includes('repeated characters or words'));
  });

  it('analyses only the first MAX_ANALYSED_CODE_POINTS code points', () => {
    const strongTail = 'wobbly cathedral spires hum at dusk';
    assert.ok(estimateStrength('a'.repeat(MAX_ANALYSED_CODE_POINTS) + strongTail).score < MIN_STRENGTH_SCORE);
    assert.ok(estimateStrength('a'.repeat(MAX_ANALYSED_CODE_POINTS - strongTail.length) + strongTail).score >= 3);
  });

  it('the policy refuses every guessable password, saying why, and accepts the good ones', async () => {
    for (const password of GUESSABLE) {
      const problems = await assessPassword(password);
      assert.equal(problems.length, 1, password);
      assert.match(problems[0]!, /too easy to guess|commonly used or breached/, password);
    }
    assert.deepEqual(await assessPassword('abcdefghijklmno'), [
      'is too easy to guess: it is built from a sequence such as abc or 123 (strength 0 of 4, at least 3 needed)',
    ]);
    for (const password of GOOD) assert.deepEqual(await assessPassword(password), [], password);
  });

  it('runs the estimate off the event loop: other callbacks run while a check is pending', async () => {
    let settled = false;
    const check = assessPassword('4@3$1!0|7+5'.repeat(12).slice(0, 120)).then(() => (settled = true));
    // A check run on this thread would have finished before this callback could run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'the check completed synchronously, on the event loop');
    await check;
  });
  it('fails closed when the worker dies mid-check, says why for the log, and starts a fresh worker', async () => {
    const pending = passwordStrength.assess('4@3$1!0|7+5'.repeat(12).slice(0, 120), []);
    // The worker is private: reached here only to end it as a crash or an out-of-memory would.
    await (passwordStrength as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(error instanceof StrengthCheckUnavailableError);
      assert.equal(error.getStatus(), 503);
      assert.match(error.reason, /^worker exit \d+$/);
      return true;
    });
    assert.equal(typeof (await passwordStrength.assess('quiet otters juggle amber lanterns', [])).score, 'number');
  });
});
