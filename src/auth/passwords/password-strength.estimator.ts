import { ZxcvbnFactory, type MatchExtended } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';
import { MIN_STRENGTH_SCORE } from './password-strength-score.js';

export { MIN_STRENGTH_SCORE } from './password-strength-score.js';

/**
 * Only the first 64 code points are analysed: zxcvbn's matching grows faster than linearly with
 * the length (hundreds of ms for 128 characters of punctuation), and a 64-character prefix that
 * scores 3 or more is strong whatever follows it. A weak prefix is refused even with a strong tail.
 */
export const MAX_ANALYSED_CODE_POINTS = 64;

/** At most this many l33t substitutions tried per word (zxcvbn's default of 100 costs seconds). */
const L33T_MAX_SUBSTITUTIONS = 4;

export interface StrengthVerdict {
  readonly score: number;
  /** What made the password guessable, in words, when it is refused; empty otherwise. */
  readonly weaknesses: readonly string[];
}

/** Built once per thread: ranking the dictionaries takes most of a second and tens of MB. */
let factory: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary },
    graphs: adjacencyGraphs,
    translations,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
    maxLength: MAX_ANALYSED_CODE_POINTS * 2, // in UTF-16 units; the code points are cut below
  });
  return factory;
}

function weaknessOf(match: MatchExtended): string | undefined {
  switch (match.pattern) {
    case 'dictionary':
      if (match.dictionaryName === 'userInputs') return 'your email name or display name';
      return match.l33t ? 'common words with predictable substitutions' : 'common words, names or passwords';
    case 'wordSequence':
      return 'common words, names or passwords';
    case 'spatial':
      return 'a keyboard pattern';
    case 'repeat':
      return 'repeated characters or words';
    case 'sequence':
      return 'a sequence such as abc or 123';
    case 'date':
    case 'regex':
      return 'a date or a year';
    default:
      return undefined; // bruteforce and separators: the unguessable parts
  }
}

/**
 * Synchronous and CPU-bound: the application calls it only in a worker thread
 * (password-strength.worker.ts), never on the event loop.
 */
export function estimateStrength(password: string, userInputs: readonly string[] = []): StrengthVerdict {
  const analysed = [...password].slice(0, MAX_ANALYSED_CODE_POINTS).join('');
  const result = zxcvbn().check(analysed, [...userInputs]);
  if (result.score >= MIN_STRENGTH_SCORE) return { score: result.score, weaknesses: [] };
  const weaknesses = [...new Set(result.sequence.map(weaknessOf).filter((text) => text !== undefined))];
  return { score: result.score, weaknesses };
}
