import fc from 'fast-check';
import { deeplyNestedJson, plausibleValue, wrongTypeValue, type KnownIds } from './json-values.js';
import { hasForbiddenCharacter, hostileString } from './hostile-strings.js';
import type { ObjectSchema } from './openapi-operations.js';

/** A request body as sent, and what the invariants need to know about it. */
export interface BodyAttack {
  readonly kind: string;
  /** Undefined: no body at all. */
  readonly payload?: string;
  /** latin1 sends each char as one raw byte: the way to put invalid UTF-8 on the wire. */
  readonly encoding?: 'utf8' | 'latin1';
  readonly contentType?: string;
  /** A top-level key the schema does not declare (the contract: 400). */
  readonly unknownKey?: string;
  /** A declared field carrying NUL, another C0 control or a lone surrogate (the contract: 400). */
  readonly forbiddenCharacterIn?: string;
  /** A body sent to a route that takes none (the contract: 400 or 415). */
  readonly bodyOnBodilessRoute?: boolean;
}

/** JSON text of an object, written by hand so `__proto__` stays an own key instead of a prototype. */
function objectText(entries: readonly (readonly [string, unknown])[]): string {
  return `{${entries.map(entryText).join(',')}}`;
}

function entryText([key, value]: readonly [string, unknown]): string {
  return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
}

function validEntries(schema: ObjectSchema, known: KnownIds): fc.Arbitrary<[string, unknown][]> {
  const names = Object.keys(schema.properties);
  return fc
    .tuple(
      ...names.map((name) =>
        fc.tuple(
          fc.constant(name),
          schema.required.includes(name) ? fc.constant(true) : fc.boolean(),
          plausibleValue(name, schema.properties[name]!, known),
        ),
      ),
    )
    .map((fields) => fields.filter(([, present]) => present).map(([name, , value]) => [name, value] as [string, unknown]));
}

/** Replaces (or adds) one declared field's value. */
function withField(entries: [string, unknown][], name: string, value: unknown): [string, unknown][] {
  return [...entries.filter(([key]) => key !== name), [name, value]];
}

const strangeContentType = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/xml',
  'application/jsonx',
  'APPLICATION/JSON',
);

const malformedJson = fc.constantFrom(
  '{',
  '{"a":1,}',
  '{"a":NaN}',
  '{/*c*/}',
  "{'a':1}",
  '\ufeff{}',
  '{"a":"\u0000"}',
  'null',
  '"x"',
  '[]',
  '123',
);

const unknownKeyName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype') },
  { weight: 1, arbitrary: fc.constantFrom('isAdmin', 'id', 'userId', 'ownerId', 'createdAt', 'tokenVersion', 'passwordHash') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }) },
);

/** Bodies for a route that declares a JSON body. */
function bodiesFor(schema: ObjectSchema, known: KnownIds): fc.Arbitrary<BodyAttack> {
  const valid = validEntries(schema, known);
  const names = Object.keys(schema.properties);
  const json =
    (kind: string, extra: Partial<BodyAttack> = {}) =>
    (entries: [string, unknown][]): BodyAttack => ({
      kind,
      payload: objectText(entries),
      contentType: 'application/json',
      ...extra,
    });
  const attacks: fc.WeightedArbitrary<BodyAttack>[] = [
    { weight: 2, arbitrary: valid.map(json('valid')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, unknownKeyName, fc.jsonValue({ maxDepth: 2 }))
        .filter(([, key]) => !names.includes(key))
        .map(([entries, key, value]) => ({ ...json('unknown-key', { unknownKey: key })([...entries, [key, value]]) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constant([]), fc.array(fc.string(), { maxLength: 2 }), fc.constant('x'), fc.constant(1))
        .map((v) => ({ kind: 'not-an-object', payload: JSON.stringify(v), contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: deeplyNestedJson.map((payload) => ({ kind: 'deep-nesting', payload, contentType: 'application/json' })),
    },
    { weight: 1, arbitrary: malformedJson.map((payload) => ({ kind: 'malformed', payload, contentType: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, strangeContentType)
        .map(([entries, contentType]) => ({ kind: 'content-type', payload: objectText(entries), contentType })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{"title":"\xff\xfe"}', '{"displayName":"\xc0\x80"}', '{"name":"\xed\xa0\x80"}', '\xff\xfe{\x00}\x00')
        .map((payload) => ({
          kind: 'invalid-utf8',
          payload,
          encoding: 'latin1' as const,
          contentType: 'application/json',
        })),
    },
  ];
  if (names.includes('email') && names.includes('password')) {
    // Valid credentials: a login that succeeds answers tokens, which must never be cacheable,
    // whatever the spelling of the path.
    attacks.push({
      weight: 2,
      arbitrary: fc
        .tuple(valid, known.login)
        .map(([entries, { email, password }]) =>
          json('known-credentials')(withField(withField(entries, 'email', email), 'password', password)),
        ),
    });
  }
  if (names.length > 0) {
    const name = fc.constantFrom(...names);
    attacks.push(
      {
        weight: 4,
        arbitrary: fc
          .tuple(valid, name, hostileString)
          .map(([entries, field, value]) =>
            json(
              'hostile-field',
              hasForbiddenCharacter(value) ? { forbiddenCharacterIn: field } : {},
            )(withField(entries, field, value)),
          ),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(valid, name, wrongTypeValue)
          .map(([entries, field, value]) => json('wrong-type')(withField(entries, field, value))),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(valid, name, deeplyNestedJson).map(([entries, field, nested]) => ({
          kind: 'deep-field',
          payload: `{${[`${JSON.stringify(field)}:${nested}`, ...entries.filter(([key]) => key !== field).map(entryText)].join(',')}}`,
          contentType: 'application/json',
        })),
      },
    );
  }
  // Cross-shrinking reduces a failing body towards a valid one, so the counterexample shows what matters.
  return fc.oneof({ withCrossShrink: true }, ...attacks);
}

/** Bodies for a route that declares none: mostly none, sometimes one it must refuse. */
function bodiesForBodiless(): fc.Arbitrary<BodyAttack> {
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 3, arbitrary: fc.constant<BodyAttack>({ kind: 'none' }) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.dictionary(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
            minKeys: 1,
            maxKeys: 3,
          }),
          fc.constant([1]),
          fc.constant('x'),
        )
        .map((value) => ({
          kind: 'body-on-bodiless-route',
          payload: JSON.stringify(value),
          contentType: 'application/json',
          bodyOnBodilessRoute: true,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.constant<BodyAttack>({
        kind: 'body-on-bodiless-route',
        payload: '{"__proto__":{"admin":true}}',
        contentType: 'application/json',
        bodyOnBodilessRoute: true,
      }),
    },
  );
}

export function requestBody(schema: ObjectSchema | undefined, known: KnownIds): fc.Arbitrary<BodyAttack> {
  return schema === undefined ? bodiesForBodiless() : bodiesFor(schema, known);
}
