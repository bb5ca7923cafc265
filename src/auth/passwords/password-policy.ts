import { commonPasswords } from './common-passwords.js';

/**
 * Password rules of API.md §2, after NIST SP 800-63B-4 and ASVS 6.2: length 15–128 code points
 * after NFKC normalisation, any Unicode, never truncated, no composition rules; refused when it
 * is a common or breached password (or one repeated / padded with digits), or contains the
 * email's local part or the display name.
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
