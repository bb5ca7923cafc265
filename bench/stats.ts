/** Small statistics for the benchmark report: nearest-rank percentiles, medians and ranges. */

export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median and range over the rounds (NaN values, i.e. "not measured", are left out). */
export function spread(values: readonly number[]): Spread {
  const measured = values.filter((value) => !Number.isNaN(value));
  if (measured.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(measured), min: Math.min(...measured), max: Math.max(...measured) };
}

export function fixed(value: number, digits = 1): string {
  return Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

/** "1234 (1100–1300)": the median and, over several rounds, the range. */
export function formatSpread(value: Spread, digits = 0): string {
  if (Number.isNaN(value.median)) return 'n/a';
  if (value.min === value.max) return fixed(value.median, digits);
  return `${fixed(value.median, digits)} (${fixed(value.min, digits)}–${fixed(value.max, digits)})`;
}
