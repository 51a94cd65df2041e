/**
 * Percentiles from DDSketch (@datadog/sketches-js): a mergeable sketch whose
 * every reported quantile is within `SKETCH_RELATIVE_ACCURACY` (1%) of the
 * true value at that rank, whatever the distribution.
 *
 * @example
 * const s = newSketch(); s.accept(1200); quantileOf(mergeSketches([s]), 0.95) // ≈ 1200
 */
import { DDSketch } from '@datadog/sketches-js';
import { SKETCH_RELATIVE_ACCURACY } from './limits.ts';

/** A fresh sketch at the live view's accuracy. */
export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}

/** One sketch holding every value of `sketches` (undefined entries skipped); undefined when all are empty. */
export function mergeSketches(sketches: Iterable<DDSketch | undefined>): DDSketch | undefined {
  let out: DDSketch | undefined;
  for (const s of sketches) {
    if (s === undefined || s.count === 0) continue;
    out ??= newSketch();
    out.merge(s);
  }
  return out;
}

/** The q-quantile (0–1) rounded to 0.1, or null for no sketch. */
export function quantileOf(sketch: DDSketch | undefined, q: number): number | null {
  if (sketch === undefined || sketch.count === 0) return null;
  return Math.round(sketch.getValueAtQuantile(q) * 10) / 10;
}
