import { commonPasswords } from './common-passwords.js';
import { MIN_STRENGTH_SCORE } from './password-strength-score.js';
import { passwordStrength } from './password-strength.js';

/**
 * Password rules of docs/http-contract.md#auth, after NIST SP 800-63B-4 and ASVS 6.2: length 15–128 code points
 * after NFKC normalisation, any Unicode, never truncated, no composition rules; refused when it
 * is a common or breached password (or one repeated / padded with digits), or contains the
 * email's local part or the display name; and refused when zxcvbn's pattern matchers find it
 * easy to guess (score below MIN_STRENGTH_SCORE: sequences, keyboard walks, repeats, dictionary
 * words with l33t substitutions), which the list alone misses ("dragondragondragon1").
 */
export const PASSWORD_MIN_LENGTH = 15;
export const PASSWORD_MAX_LENGTH = 128;

export interface PasswordContext {
  readonly email?: string;
  readonly displayName?: string;
}

/** NFKC so that visually identical inputs (full-width digits, ligatures) hash identically. */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Padding is anything but a letter of any script at either end: digits, symbols, spaces. */
const LEADING_PADDING = /^[^\p{L}\p{M}]+/u;
const TRAILING_PADDING = /[^\p{L}\p{M}]+$/u;

function withoutPadding(lower: string): string[] {
  const leading = lower.replace(LEADING_PADDING, '');
  return [leading, lower.replace(TRAILING_PADDING, ''), leading.replace(TRAILING_PADDING, '')];
}

function isCommon(lower: string): boolean {
  const list = commonPasswords();
  if (list.has(lower)) return true;
  // "passwordpassword", "abcabcabcabcabc": a short unit repeated is as guessable as the unit.
  const repeated = /^(.{1,8}?)\1+$/u.exec(lower);
  if (repeated && (repeated[1]!.length <= 4 || list.has(repeated[1]!))) return true;
  // "dragon123456789012", "!!!sunshine!!!": a common password padded at its start, end or both.
  return withoutPadding(lower).some((core) => core.length >= 4 && list.has(core));
}

function contextWords(context: PasswordContext): string[] {
  const local = context.email?.split('@')[0] ?? '';
  const words = [local, context.displayName ?? '', ...(context.displayName ?? '').split(/\s+/u)];
  return words.map((word) => word.normalize('NFKC').toLowerCase().trim()).filter((word) => word.length >= 3);
}

/** Returns the reasons the password is refused; an empty list means it is acceptable. */
export function checkPassword(password: string, context: PasswordContext = {}): string[] {
  const normalised = normalisePassword(password);
  const length = [...normalised].length;
  if (length < PASSWORD_MIN_LENGTH) return [`must be at least ${PASSWORD_MIN_LENGTH} characters`];
  if (length > PASSWORD_MAX_LENGTH) return [`must be at most ${PASSWORD_MAX_LENGTH} characters`];
  const lower = normalised.toLowerCase();
  const problems: string[] = [];
  if (isCommon(lower)) problems.push('is a commonly used or breached password');
  if (contextWords(context).some((word) => lower.includes(word)))
    problems.push('must not contain your email name or display name');
  return problems;
}

/**
 * The whole policy, the one function every way of setting a password goes through (registration,
 * change-password, the bootstrap admin and `cli create-admin`): the cheap rules first, and only
 * when they pass, the strength estimate, which runs off the event loop (password-strength.ts).
 */
export async function assessPassword(password: string, context: PasswordContext = {}): Promise<string[]> {
  const problems = checkPassword(password, context);
  if (problems.length > 0) return problems;
  const verdict = await passwordStrength.assess(normalisePassword(password), contextWords(context));
  if (verdict.score >= MIN_STRENGTH_SCORE) return [];
  const found = verdict.weaknesses.length > 0 ? `: it is built from ${verdict.weaknesses.join(', ')}` : '';
  return [`is too easy to guess${found} (strength ${verdict.score} of 4, at least ${MIN_STRENGTH_SCORE} needed)`];
}
