/**
 * The code units no stored or logged text may carry as they are, defined once for the two places
 * that deal with them: input hygiene refuses them (src/http/input-inspection.ts), the audit trail
 * escapes them (src/audit/audit-text.ts), since it also records the requests that were refused.
 */

/** C0 controls (NUL included), DEL and C1 controls, as a character class body. */
export const CONTROL_CHARACTERS = '\\u0000-\\u001f\\u007f-\\u009f';

/** A UTF-16 surrogate that is not half of a pair: not valid Unicode, refused by PostgreSQL. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
