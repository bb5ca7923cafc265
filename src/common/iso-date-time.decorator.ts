import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The one date form the API accepts in a filter: a calendar date `YYYY-MM-DD`, or a date-time
 * `YYYY-MM-DDTHH:MM[:SS[.sss]]` with `Z` or a `±HH:MM` offset (RFC 3339 / the ECMAScript date-time
 * format, which is what `new Date()` parses exactly). Every other ISO 8601 form — ordinal
 * `2024-123`, week `2024-W01-1`, basic `20240101`, a time without an offset — is a 400, and so is
 * an impossible date (`2024-02-30`, `T24:00`) or an instant outside the years 0001-9999 that both
 * databases store. class-validator's `@IsISO8601({ strict: true })` accepted all of those forms,
 * and `new Date()` then threw in the service (500).
 */
const FORM = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

export function isStrictIsoDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = FORM.exec(value);
  if (!match) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHour = 0, offsetMinute = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const calendar = new Date(Date.UTC(2000, month! - 1, day!));
  calendar.setUTCFullYear(year!);
  const validDate = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month! - 1 && calendar.getUTCDate() === day;
  if (!validDate || hour > 23 || minute > 59 || second > 59 || offsetHour > 23 || offsetMinute > 59) return false;
  const instant = new Date(value);
  const utcYear = instant.getUTCFullYear();
  return !Number.isNaN(instant.getTime()) && utcYear >= 1 && utcYear <= 9999;
}

export function IsStrictIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStrictIsoDateTime',
      validator: {
        validate: isStrictIsoDateTime,
        defaultMessage: () => '$property must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.sss]] with Z or ±HH:MM',
      },
    },
    options,
  );
}
