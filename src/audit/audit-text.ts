import { CONTROL_CHARACTERS, LONE_SURROGATE } from '../http/unsafe-characters.js';

/**
 * What the audit trail stores must be safe whatever bytes a client sent: the
 * trail records refused requests too, so it cannot rely on validation having run. PostgreSQL
 * refuses NUL in text and a lone surrogate is not valid UTF-8, so either would make the INSERT
 * fail; other control characters would forge lines in any viewer that prints the trail.
 */

/** C0 controls (NUL included), DEL, C1 controls, and UTF-16 surrogates that are not paired. */
const UNSAFE = new RegExp(`[${CONTROL_CHARACTERS}]|${LONE_SURROGATE.source}`, 'g');

/** Escapes every unsafe code unit as visible text (`\u0000`), so the evidence is kept, not lost. */
export function safeText(value: string, maxLength: number): string {
  const escaped = value.replace(UNSAFE, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length <= maxLength ? escaped : escaped.slice(0, maxLength);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Resource ids are our UUIDs; anything else a client put in a path parameter is stored as null. */
export function uuidOrNull(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : null;
}

export const REDACTED = '[REDACTED]';

/**
 * Values shaped like a credential we issue, wherever they appear: API keys (`snk_<16 hex>_<72 hex>`,
 * src/api-keys/api-key-format.ts; any `snk_` run, so a truncated or mistyped key is caught too),
 * refresh tokens (`rt_` + base64url, src/auth/sessions/sessions.service.ts) and JWTs (three
 * base64url parts, the first starting `eyJ`, i.e. `{"`). Matched case-insensitively: the prefixes
 * are what scanners look for, and a key pasted in another case is still a key.
 */
const CREDENTIAL =
  /snk_[A-Za-z0-9_-]{4,}|\brt_[A-Za-z0-9_-]{16,}|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?|\bBearer\s+\S+/gi;

export function redactCredentials(value: string): string {
  return value.replace(CREDENTIAL, REDACTED);
}
