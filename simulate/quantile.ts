/**
 * Linear-interpolated quantile, the definition docs/spec.md §4 names (DuckDB
 * `quantile_cont`, R type 7): position (n − 1)·p in the sorted values.
 *
 * @example
 * quantileCont([1, 2, 3, 4], 0.5); // 2.5
 */
export function quantileCont(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
