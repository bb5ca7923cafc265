import fc from 'fast-check';
import { hostileString } from './hostile-strings.js';
import { percentEncode, rawEscape } from './url-encoding.js';

/** A path parameter as generated (`value`, for messages) and as sent (`wire`, percent-encoded). */
export interface PathValue {
  readonly value: string;
  readonly wire: string;
}

const encoded = (value: string): PathValue => ({ value, wire: percentEncode(value) });

/**
 * Values for one path parameter: mostly ids that exist (so bodies and queries reach the
 * handler), otherwise unknown UUIDs, almost-UUIDs, hostile strings and raw wire escapes.
 */
export function pathParam(known: fc.Arbitrary<string>): fc.Arbitrary<PathValue> {
  // Cross-shrinking turns a failing hostile value into a real id when the id fails too.
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: known.map(encoded) },
    { weight: 1, arbitrary: fc.uuid().map(encoded) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(known, fc.constantFrom('\u0000', ' ', '%', '\ud800', '/..', '\n', 'x', '.json'))
        .map(([id, suffix]) => encoded(`${id}${suffix}`)),
    },
    { weight: 1, arbitrary: known.map((id) => encoded(id.toUpperCase())) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('0', '-1', '1e3', 'null', 'undefined', '00000000-0000-0000-0000-000000000000').map(encoded),
    },
    // Bounded so the request line stays under Node's 16 kB header limit (a 431 from Node itself, not the app).
    { weight: 3, arbitrary: hostileString.filter((s) => s.length > 0 && s.length <= 300).map(encoded) },
    {
      weight: 2,
      arbitrary: fc.tuple(known, rawEscape).map(([id, escape]) => ({ value: `${id}${escape}`, wire: `${id}${escape}` })),
    },
  );
}
