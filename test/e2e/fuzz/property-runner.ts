import assert from 'node:assert/strict';
import fc from 'fast-check';
import { settings } from './fuzz-settings.js';
import type { Violation } from './invariants.js';

export interface Outcome {
  readonly violations: readonly Violation[];
  /** The exchange, written for a human (test/e2e/fuzz/describe-exchange.ts). */
  readonly exchange: string;
}

/**
 * Runs one property and fails with everything needed to reproduce: the broken invariants, the
 * exchange, fast-check's seed, path and shrunk counterexample, and the replay command. With
 * FUZZ_SURVEY=1 it sends every run instead and reports each broken invariant once.
 */
export async function checkProperty<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  attack: (value: T) => Promise<Outcome>,
  options: { seed: number; runs: number; replay: (path?: string) => string },
): Promise<void> {
  const seen = new Map<string, { count: number; example: string }>();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => {
      const { violations, exchange } = await attack(value);
      if (violations.length === 0) return;
      if (!settings.survey) {
        throw new Error(`${violations.map((v) => `invariant "${v.invariant}" broken: ${v.detail}`).join('\n')}\n${exchange}`);
      }
      for (const v of violations) {
        const entry = seen.get(v.invariant) ?? { count: 0, example: `${v.detail}\n${exchange}` };
        seen.set(v.invariant, { ...entry, count: entry.count + 1 });
      }
    }),
    { seed: options.seed, numRuns: options.runs, ...(settings.path ? { path: settings.path } : {}) },
  );
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    assert.fail(
      `${name}: ${cause}\n  fast-check: seed ${details.seed}, path ${details.counterexamplePath}, ` +
        `shrunk ${details.numShrinks} times, after ${details.numRuns} runs\n` +
        `  counterexample: ${fc.stringify(details.counterexample)}\n  replay: ${options.replay(details.counterexamplePath ?? undefined)}`,
    );
  }
  if (seen.size > 0) {
    assert.fail(
      [...seen]
        .map(([invariant, { count, example }]) => `${name}: "${invariant}" broken ${count}× — first: ${example}`)
        .join('\n\n') + `\n  replay: FUZZ_SURVEY=1 ${options.replay()}`,
    );
  }
}
