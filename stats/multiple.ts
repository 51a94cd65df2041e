/**
 * Corrections for many comparisons (metrics × variants): Holm's step-down
 * adjusted p-values (family-wise error) and Benjamini–Hochberg's step-up
 * ones (false discovery rate), plus the level at which each comparison's
 * interval is recomputed so intervals agree with the corrected decisions:
 * Holm → Bonferroni intervals at α/m (Holm has no exact dual intervals;
 * Bonferroni's cover simultaneously); BH → Benjamini–Yekutieli false
 * coverage rate intervals at α·R/m, R being the number of BH rejections
 * (α/m when there are none).
 *
 * @example
 * holmAdjust([0.01, 0.04, 0.03]) // [0.03, 0.06, 0.06]
 * benjaminiHochbergAdjust([0.01, 0.04, 0.03]) // [0.03, 0.04, 0.04]
 */

export type Correction = 'none' | 'holm' | 'bh';
export const CORRECTIONS: readonly Correction[] = ['none', 'holm', 'bh'];

function order(pValues: readonly number[], ascending: boolean): number[] {
  return pValues.map((_, i) => i).sort((i, j) => (ascending ? 1 : -1) * ((pValues[i] as number) - (pValues[j] as number)));
}

/** Holm step-down adjusted p-values, in the input order. */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const out = new Array<number>(m);
  let running = 0;
  order(pValues, true).forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[idx] as number)));
    out[idx] = running;
  });
  return out;
}

/** Benjamini–Hochberg step-up adjusted p-values (q-values), in the input order. */
export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const out = new Array<number>(m);
  let running = 1;
  order(pValues, false).forEach((idx, k) => {
    const rank = m - k; // 1-based rank among ascending p-values
    running = Math.min(running, (m * (pValues[idx] as number)) / rank);
    out[idx] = Math.min(1, running);
  });
  return out;
}

/** Adjusted p-values for a correction ('none' returns a copy). */
export function adjustPValues(correction: Correction, pValues: readonly number[]): number[] {
  if (correction === 'holm') return holmAdjust(pValues);
  if (correction === 'bh') return benjaminiHochbergAdjust(pValues);
  return [...pValues];
}

/** The alpha at which every comparison's interval is recomputed under a correction. */
export function intervalAlpha(correction: Correction, pValues: readonly number[], alpha: number): number {
  const m = pValues.length;
  if (correction === 'none' || m <= 1) return alpha;
  if (correction === 'holm') return alpha / m;
  const rejected = benjaminiHochbergAdjust(pValues).filter((q) => q <= alpha).length;
  return (alpha * Math.max(1, rejected)) / m;
}
