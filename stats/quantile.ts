/**
 * The linear-interpolated quantile docs/spec.md §4 names (DuckDB
 * `quantile_cont`, R type 7): position (n − 1)·p in the sorted values.
 * The one implementation: the ground truth's QoE percentiles and the
 * winsorizing cap both use it.
 *
 * @example
 * quantileCont([1, 2, 3, 4], 0.5); // 2.5
 * quantileCont([], 0.5);           // null
 */

/** The p-quantile (0..1) of `values`, or null when there are none. */
export function quantileCont(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be between 0 and 1, got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const low = sorted[lo]!;
  return low + (sorted[Math.ceil(pos)]! - low) * (pos - lo);
}
