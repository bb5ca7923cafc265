import fc from 'fast-check';

/** One segment of a concrete path: a literal of the route template, or a parameter value (already encoded). */
export interface Segment {
  readonly wire: string;
  readonly literal: boolean;
}

export interface Spelling {
  readonly kind: 'canonical' | 'case-varied' | 'trailing-slash' | 'double-slash' | 'dot-segment' | 'percent-encoded';
  readonly path: string;
}

/**
 * Other spellings of the same route. Case-sensitive, strict routing must answer the first four
 * with 404 (a control keyed on the raw path would otherwise miss them, issue: "another spelling
 * of a path"); a percent-encoded unreserved letter may be decoded or refused, never a 5xx.
 */
export function spelling(segments: readonly Segment[]): fc.Arbitrary<Spelling> {
  const canonical = '/' + segments.map((s) => s.wire).join('/');
  const letters = segments.flatMap((s, i) =>
    s.literal ? [...s.wire].flatMap((c, j) => (/[a-z]/i.test(c) ? [[i, j] as const] : [])) : [],
  );
  const replaceChar = (at: readonly [number, number], by: (c: string) => string): string =>
    '/' +
    segments
      .map((s, i) => (i === at[0] ? s.wire.slice(0, at[1]) + by(s.wire[at[1]]!) + s.wire.slice(at[1] + 1) : s.wire))
      .join('/');
  const slashes = segments.length;
  const options: fc.WeightedArbitrary<Spelling>[] = [
    { weight: 12, arbitrary: fc.constant<Spelling>({ kind: 'canonical', path: canonical }) },
    { weight: 1, arbitrary: fc.constant<Spelling>({ kind: 'trailing-slash', path: `${canonical}/` }) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 0, max: slashes - 1 }).map((n) => ({
        kind: 'double-slash' as const,
        path: '/' + segments.map((s, i) => (i === n ? `/${s.wire}` : s.wire)).join('/'),
      })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: slashes }).map((n) => ({
        kind: 'dot-segment' as const,
        path: '/' + [...segments.slice(0, n).map((s) => s.wire), '.', ...segments.slice(n).map((s) => s.wire)].join('/'),
      })),
    },
  ];
  if (letters.length > 0) {
    const letter = fc.constantFrom(...letters);
    options.push(
      {
        weight: 1,
        arbitrary: fc.constant<Spelling>({
          kind: 'case-varied',
          path: '/' + segments.map((s) => (s.literal ? s.wire.toUpperCase() : s.wire)).join('/'),
        }),
      },
      {
        weight: 2,
        arbitrary: letter.map((at) => ({
          kind: 'case-varied' as const,
          path: replaceChar(at, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())),
        })),
      },
      {
        weight: 1,
        arbitrary: letter.map((at) => ({
          kind: 'percent-encoded' as const,
          path: replaceChar(at, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
        })),
      },
    );
  }
  return fc.oneof({ withCrossShrink: true }, ...options);
}
