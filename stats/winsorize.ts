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
import { quantileCont } from './quantile.ts';

/** Percentile (0..1) with linear interpolation between order statistics (stats/quantile.ts); throws on no values. */
export function percentileLinear(values: readonly number[], p: number): number {
  const q = quantileCont(values, p);
  if (q === null) throw new RangeError('cannot take a percentile of no values');
  return q;
}

/** Values capped from above at their p-th percentile. */
export function winsorize(values: readonly number[], p: number): number[] {
  if (values.length === 0) return [];
  const cap = percentileLinear(values, p);
  return values.map((v) => Math.min(v, cap));
}
