import type { FieldError } from './problem.exception.js';
import { CONTROL_CHARACTERS, LONE_SURROGATE } from './unsafe-characters.js';

/**
 * What a request may carry in its decoded text, checked once for every route before anything
 * (guards, validation, SQL) sees it. Rules, each a 400:
 * - no lone UTF-16 surrogate anywhere (a JSON `"\ud800"` escape; PostgreSQL refuses it, SQLite
 *   stores garbage);
 * - no control character (C0 U+0000-U+001F, DEL, C1 U+0080-U+009F) in a path, a query key or
 *   value, or a body key; in body string VALUES, TAB, LF and CR are allowed (a note body is
 *   multi-line text) and every other control character, NUL first, is refused. Fields that must
 *   be one line refuse TAB/LF/CR too, in their DTO (src/common/single-line.decorator.ts);
 * - JSON nested deeper than MAX_JSON_DEPTH (no DTO goes beyond 2; a deep document is an attack
 *   on the recursive transformer and validator);
 * - a body key named `__proto__`, `constructor` or `prototype`, at any depth: the DTO transformer
 *   would silently drop it, while the contract is that unknown body properties are a 400.
 */
export const MAX_JSON_DEPTH = 8;

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const ANY_CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`);
/** Tab, line feed and carriage return are the only controls a multi-line body value may hold. */
const CONTROL_EXCEPT_LINE_BREAKS = new RegExp(`(?![\\t\\n\\r])[${CONTROL_CHARACTERS}]`);

export type TextKind = 'name' | 'text';

/** Field paths are built from client-chosen keys: bounded, so a problem never echoes a huge key back. */
function shown(field: string): string {
  return field.length > 200 ? `${field.slice(0, 200)}…` : field;
}

/** Why a decoded string is refused, or undefined. `name`: path, query, keys; `text`: body values. */
export function textViolation(value: string, kind: TextKind): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogate)';
  if ((kind === 'name' ? ANY_CONTROL : CONTROL_EXCEPT_LINE_BREAKS).test(value)) {
    return kind === 'name'
      ? 'must not contain control characters'
      : 'must not contain control characters (only tab, line feed and carriage return are allowed)';
  }
  return undefined;
}

/**
 * The first violation in a parsed JSON body, walked without recursion (so the walk itself cannot
 * overflow the stack) and stopping at the first finding. Field names follow the validation
 * pipe's `a.b.0` form; values are never quoted back.
 */
export function jsonViolation(body: unknown): FieldError | undefined {
  const pending: { value: unknown; field: string; depth: number }[] = [{ value: body, field: '', depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, field, depth } = next;
    const name = field === '' ? 'body' : shown(field);
    if (typeof value === 'string') {
      const problem = textViolation(value, 'text');
      if (problem) return { field: name, message: `${name} ${problem}` };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      return { field: name, message: `the body may nest objects and arrays at most ${MAX_JSON_DEPTH} deep` };
    }
    for (const key of Object.keys(value)) {
      const child = field === '' ? key : `${field}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) return { field: shown(child), message: `${key} is not allowed as a property name` };
      const problem = textViolation(key, 'name');
      if (problem) return { field: name, message: `property names ${problem}` };
      pending.push({ value: (value as Record<string, unknown>)[key], field: child, depth: depth + 1 });
    }
  }
  return undefined;
}
