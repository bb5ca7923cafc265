/**
 * zxcvbn's score (0–4, a log scale of the guesses a smart attacker needs) below which a password
 * is refused. 3 means at least 10^8 guesses with zxcvbn's pattern matchers: sequences, keyboard
 * walks, repeats, dictionary words (also reversed and with l33t substitutions), dates.
 *
 * In a module of its own so that the request thread (password-policy.ts) can read it without
 * importing password-strength.estimator.ts, whose zxcvbn dictionaries (~15 MB of heap) belong in
 * the worker thread only (password-strength.ts).
 */
export const MIN_STRENGTH_SCORE = 3;
