import { listEncryptedColumns } from '../crypto/encrypted-columns.registry.js';
import { sensitivePropertyNames } from '../common/sensitive.decorator.js';
import { REDACTED, redactCredentials } from './audit-text.js';

/**
 * The payload summary stored with an audit event: query and body, with every secret removed.
 * What counts as secret is derived from metadata: DTO properties marked @Sensitive() and every
 * property stored through @EncryptedColumn() (what we encrypt at rest must not sit in clear in
 * the audit table). A short list of credential-like names is a backstop for payloads that never
 * reached a DTO (ASVS 16.2.5, OWASP Logging Cheat Sheet). And whatever the name, a value (or a
 * key) shaped like one of our API keys, refresh tokens or JWTs is redacted (audit-text.ts): a
 * client that sends `?k=snk_…` must not leave its key in the trail.
 */
const BACKSTOP = /pass(word)?|secret|token|api[-_]?key|authorization|credential|^key$/i;
const MAX_STRING = 200;
const MAX_KEYS = 50;
const MAX_DEPTH = 3;
const MAX_LENGTH = 4000;
export { REDACTED };

let memo: { readonly sensitive: number; readonly encrypted: number; readonly names: ReadonlySet<string> } | undefined;

/** Rebuilt only when a decorator registered a new name (both registries only grow), not per request. */
function redactedNames(): ReadonlySet<string> {
  const sensitive = sensitivePropertyNames();
  const encrypted = listEncryptedColumns();
  if (memo?.sensitive === sensitive.size && memo.encrypted === encrypted.length) return memo.names;
  const names = new Set(sensitive);
  for (const column of encrypted) names.add(column.propertyName);
  memo = { sensitive: sensitive.size, encrypted: encrypted.length, names };
  return names;
}

function summarise(value: unknown, names: ReadonlySet<string>, depth: number): unknown {
  if (typeof value === 'string') {
    // Redact before cutting: a key cut in half would no longer match its shape.
    const clean = redactCredentials(value);
    return clean.length > MAX_STRING ? `${clean.slice(0, MAX_STRING)}…` : clean;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => summarise(item, names, depth + 1));
  const entries = Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS);
  return Object.fromEntries(
    entries.map(([key, item]) => [
      redactCredentials(key),
      names.has(key) || BACKSTOP.test(key) ? REDACTED : summarise(item, names, depth + 1),
    ]),
  );
}

export function summarisePayload(query: unknown, body: unknown): string | null {
  const hasQuery = query !== null && typeof query === 'object' && Object.keys(query).length > 0;
  const hasBody = body !== undefined && body !== null && !(typeof body === 'object' && Object.keys(body).length === 0);
  if (!hasQuery && !hasBody) return null;
  const names = redactedNames();
  const summary = JSON.stringify({
    ...(hasQuery ? { query: summarise(query, names, 0) } : {}),
    ...(hasBody ? { body: summarise(body, names, 0) } : {}),
  });
  return summary.length <= MAX_LENGTH
    ? summary
    : JSON.stringify({
        truncated: true,
        bodyKeys: Object.keys((body as object) ?? {})
          .slice(0, MAX_KEYS)
          .map((key) => redactCredentials(key).slice(0, MAX_STRING)),
      });
}
