import fc from 'fast-check';
import { almostDateOrNumber, hostileString } from './hostile-strings.js';
import type { FieldSchema, Parameter } from './openapi-operations.js';
import { percentEncode, rawEscape } from './url-encoding.js';

/** A plausible value for a declared query parameter, from its schema. */
function plausible(schema: FieldSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.type === 'number' || schema.type === 'integer') {
    return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 }).map(String);
  }
  return fc.string({ unit: 'grapheme-ascii', maxLength: 20 });
}

/** What one query field becomes on the wire (already encoded). */
const hostileValue = fc.oneof(
  { weight: 3, arbitrary: hostileString.filter((s) => s.length <= 300).map(percentEncode) },
  { weight: 2, arbitrary: almostDateOrNumber.map(percentEncode) },
  { weight: 1, arbitrary: rawEscape },
);

function field(param: Parameter): fc.Arbitrary<readonly string[]> {
  const name = percentEncode(param.name);
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 3, arbitrary: fc.constant([]) },
    { weight: 3, arbitrary: plausible(param.schema).map((v) => [`${name}=${percentEncode(v)}`]) },
    { weight: 3, arbitrary: hostileValue.map((v) => [`${name}=${v}`]) },
    // Parameter pollution: which of the two counts must never be a guess.
    {
      weight: 1,
      arbitrary: fc.tuple(plausible(param.schema), hostileValue).map(([a, b]) => [`${name}=${percentEncode(a)}`, `${name}=${b}`]),
    },
    { weight: 1, arbitrary: fc.constantFrom([name], [`${name}=`], [`${name}[]=1`], [`${name}[a]=1`]) },
  );
}

/** Names no route declares, some of them meaningful to lenient parsers. */
const strayField = fc.oneof(
  fc.constantFrom('__proto__=1', 'constructor[prototype][x]=1', 'a[b][c]=1', 'x=1&x=2', '=', '&&', 'k=snk_0123456789abcdef'),
  fc.tuple(fc.string({ unit: 'binary', maxLength: 10 }), hostileValue).map(([k, v]) => `${percentEncode(k)}=${v}`),
);

/** The query string (without `?`) for an operation: its declared parameters, plus strays. */
export function queryString(params: readonly Parameter[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.tuple(...params.map(field)), fc.array(strayField, { maxLength: 2 }))
    .map(([fields, strays]) => [...fields.flat(), ...strays].join('&'));
}
