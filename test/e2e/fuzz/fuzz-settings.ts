/**
 * How hard the property suite attacks (docs/testing.md). The defaults keep `npm test` under a
 * minute on SQLite and make every run the same; the variables replay a failure or dig deeper:
 * - FUZZ_SEED: base seed (each operation derives its own from it and its name);
 * - FUZZ_RUNS: generated requests per operation;
 * - FUZZ_ONLY: attack only the operation with this key (`POST /api/v1/notes`), or else those whose key contains it;
 * - FUZZ_PATH: fast-check's replay path of a reported failure (use with FUZZ_SEED and FUZZ_ONLY);
 * - FUZZ_SURVEY=1: do not stop at the first failure of an operation: run every request, then
 *   report each broken invariant once with its first example (no shrinking).
 */
export const DEFAULT_SEED = 15_2026;
export const DEFAULT_RUNS = 30;

function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

export const settings = {
  seed: integer('FUZZ_SEED', DEFAULT_SEED),
  runs: integer('FUZZ_RUNS', DEFAULT_RUNS),
  only: process.env.FUZZ_ONLY ?? '',
  path: process.env.FUZZ_PATH || undefined,
  survey: process.env.FUZZ_SURVEY === '1',
};

/** One seed per operation, so adding a route does not change what the others are sent. */
export function seedFor(operationKey: string): number {
  let hash = 0x811c9dc5;
  for (const char of operationKey) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return (hash ^ settings.seed) | 0;
}
