/**
 * Capping (winsorizing) a per-viewer metric such as revenue at a
 * percentile, so one whale cannot decide an experiment. Percentiles are
 * linear-interpolated like DuckDB's `quantile_cont`; the report does the
 * same in SQL, this is the reference and the in-memory path.
 *
 * @example
 * percentileLinear([1, 2, 3, 4], 0.5) // 2.5
 * winsorize([1, 2, 3, 1000], 0.75)   // [1, 2, 3, 252.25]
 */

/** Percentile (0..1) with linear interpolation between order statistics. */
export function percentileLinear(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be between 0 and 1, got ${p}`);
  if (values.length === 0) throw new RangeError('cannot take a percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const low = sorted[lo] as number;
  return low + ((sorted[hi] as number) - low) * (pos - lo);
}

/** Values capped from above at their p-th percentile. */
export function winsorize(values: readonly number[], p: number): number[] {
  if (values.length === 0) return [];
  const cap = percentileLinear(values, p);
  return values.map((v) => Math.min(v, cap));
}
