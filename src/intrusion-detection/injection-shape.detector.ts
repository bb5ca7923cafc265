/**
 * Recognises input shaped like an injection attack (OWASP AppSensor detection points IE1 cross
 * site scripting, CIE1 SQL injection, CIE2 NoSQL injection, ACE3/IE5 path traversal and null
 * bytes). This is a *detector*, not a defence: the defences are validation, parameterised queries
 * and output encoding. It only looks at input that was already refused (400, 401, 403, 404), so a
 * false positive costs one security event, never a refused request (OWASP API8:2023,
 * ASVS 16.3.3: log attempts to bypass controls).
 *
 * Every pattern is linear (no nested quantifiers, bounded repetition) and the scan is capped in
 * depth, number of strings and length, so hostile input cannot make it slow (no ReDoS).
 */
export type InjectionKind = 'sql' | 'nosql' | 'script' | 'path_traversal';

const PATTERNS: readonly (readonly [InjectionKind, RegExp])[] = [
  ['sql', /\bunion(?:\s+all)?\s+select\b/i],
  ['sql', /['"`]\s*\b(?:or|and)\b\s+['"`]?\w{1,40}['"`]?\s*(?:=|<|>|\blike\b)/i],
  ['sql', /\b(?:or|and)\s+(\d{1,10})\s*=\s*\1\b/i],
  ['sql', /['"`]\s*(?:--|#|\/\*)/],
  ['sql', /;\s*(?:drop|truncate|alter|delete|insert|update|create|exec)\s+\w/i],
  ['sql', /\b(?:sleep|pg_sleep|benchmark)\s*\(\s*\d/i],
  ['sql', /\bwaitfor\s+delay\b/i],
  ['nosql', /^\$[a-z]{2,12}$/i],
  ['nosql', /\[\s*\$[a-z]{2,12}\s*\]/i],
  ['nosql', /\{\s*["']?\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|expr|or|and|not)\b/i],
  ['script', /<\s*\/?\s*script\b/i],
  ['script', /\bjavascript\s*:/i],
  ['script', /<\s*(?:iframe|object|embed|svg)\b/i],
  ['script', /<\s*[a-z][a-z0-9]{0,15}\b[^>]{0,200}?\bon[a-z]{2,20}\s*=/i],
  ['path_traversal', /(?:^|[/\\])\.\.(?:[/\\]|$)/],
  ['path_traversal', /%2e%2e|%252e|\.\.%2f|\.\.%5c|%c0%ae/i],
  ['path_traversal', /\/etc\/(?:passwd|shadow|hosts)\b|\b(?:boot|win)\.ini\b/i],
  ['path_traversal', /%00/],
];

const NUL = String.fromCharCode(0);
const MAX_DEPTH = 6;
const MAX_STRINGS = 100;
const MAX_LENGTH = 1000;
const MAX_FIELDS = 5;

export interface InjectionFinding {
  readonly kinds: readonly InjectionKind[];
  /** Where it was found (`body.email`, `query.q`, `path`): names only, never the value. */
  readonly fields: readonly string[];
}

/** Kinds of injection a single string looks like (empty when none). */
export function injectionKinds(value: string): InjectionKind[] {
  const text = value.length > MAX_LENGTH ? value.slice(0, MAX_LENGTH) : value;
  const kinds = new Set<InjectionKind>();
  for (const [kind, pattern] of PATTERNS) if (!kinds.has(kind) && pattern.test(text)) kinds.add(kind);
  // A raw NUL byte truncates paths in C-backed file APIs (the decoded form of %00).
  if (text.includes(NUL)) kinds.add('path_traversal');
  return [...kinds];
}

/** Scans named inputs (`{ path, query, body }`), keys and values alike, within the caps above. */
export function detectInjection(inputs: Readonly<Record<string, unknown>>): InjectionFinding | undefined {
  const kinds = new Set<InjectionKind>();
  const fields: string[] = [];
  let budget = MAX_STRINGS;

  const check = (text: string, field: string) => {
    if (budget-- <= 0) return;
    const found = injectionKinds(text);
    if (found.length === 0) return;
    for (const kind of found) kinds.add(kind);
    if (fields.length < MAX_FIELDS && !fields.includes(field)) fields.push(field);
  };
  const walk = (value: unknown, field: string, depth: number) => {
    if (budget <= 0 || depth > MAX_DEPTH) return;
    if (typeof value === 'string') return check(value, field);
    if (Array.isArray(value)) return value.forEach((item) => walk(item, field, depth + 1));
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const name = `${field}.${key.slice(0, 40)}`;
        check(key, name);
        walk(item, name, depth + 1);
      }
    }
  };

  for (const [name, value] of Object.entries(inputs)) walk(value, name, 0);
  return kinds.size === 0 ? undefined : { kinds: [...kinds].sort(), fields };
}

/** The request path, also URL-decoded once, so `%3Cscript%3E` and `..%2F` are seen for what they are. */
export function pathVariants(path: string): string[] {
  try {
    const decoded = decodeURIComponent(path);
    return decoded === path ? [path] : [path, decoded];
  } catch {
    return [path];
  }
}
