import fc from 'fast-check';
import { hostileString } from './hostile-strings.js';
import type { FieldSchema } from './openapi-operations.js';

/** Ids that exist in the app under attack, so generated bodies can pass validation and reach a handler. */
export interface KnownIds {
  readonly user: fc.Arbitrary<string>;
  readonly any: fc.Arbitrary<string>;
  /** The email and password of an account that exists and is no attacker, so a login can succeed. */
  readonly login: fc.Arbitrary<{ email: string; password: string }>;
}

const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 });

/**
 * A value the field's schema accepts, guessed from its type, format, enum, bounds, example and
 * (for what a schema cannot say: a password, an email) its name. The better the guess, the more
 * generated requests get past validation to the code that stores things.
 */
export function plausibleValue(name: string, schema: FieldSchema, known: KnownIds): fc.Arbitrary<unknown> {
  const lower = name.toLowerCase();
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.type === 'boolean') return fc.boolean();
  if (schema.type === 'number' || schema.type === 'integer') {
    return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 });
  }
  if (schema.type === 'array') {
    const items = schema.items ?? { type: 'string' };
    const example = (schema as { example?: unknown[] }).example;
    if (example && !items.enum) return fc.subarray(example, { minLength: 1 });
    return fc.uniqueArray(plausibleValue(name, items, known), { minLength: 1, maxLength: 3 });
  }
  if (schema.format === 'uuid' || lower.endsWith('userid')) return known.user;
  if (lower.includes('email')) return hex.map((h) => `fuzz-${h}@example.com`);
  if (lower.includes('password')) return hex.map((h) => `correct horse ${h} battery staple`);
  if (lower.includes('token')) return fc.base64String({ minLength: 8, maxLength: 64 });
  const min = Math.max(schema.minLength ?? 1, 1);
  return fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: Math.max(min, Math.min(schema.maxLength ?? 40, 40)) });
}

/** A value of the wrong JSON type (or of the right type, hostile): what a DTO must refuse or survive. */
export const wrongTypeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308),
);

/** JSON text nested far deeper than any DTO: arrays or objects, alone or as a field value. */
export const deeplyNestedJson = fc
  .tuple(fc.integer({ min: 64, max: 15_000 }), fc.constantFrom('array', 'object'))
  .map(([depth, shape]) =>
    shape === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );
