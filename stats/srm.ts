/**
 * Sample-ratio mismatch: a chi-square goodness-of-fit test of the units
 * assigned to each variant against the planned weights. Arms planned at
 * weight 0 are left out (their expected count is 0) and the remaining
 * weights renormalised.
 *
 * @example
 * srmPValue([5000, 5200], [0.5, 0.5]) // 0.0477…
 * srmPValue([5000, 5600], [0.5, 0.5]) < SRM_P_VALUE_THRESHOLD // true: flag it
 */
import { chiSquareSurvival } from './distributions.ts';

/** Below this p-value the assignment is flagged as a sample-ratio mismatch. */
export const SRM_P_VALUE_THRESHOLD = 0.001;

/** p-value of the chi-square goodness of fit; 1 when fewer than two arms have weight or no unit was assigned. */
export function srmPValue(counts: readonly number[], weights?: readonly number[]): number {
  const planned = weights ?? counts.map(() => 1);
  if (planned.length !== counts.length) {
    throw new RangeError(`weights has ${planned.length} entries but there are ${counts.length} variants`);
  }
  if (planned.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new RangeError('weights must be finite and non-negative');
  const arms = counts.map((c, i) => ({ c, w: planned[i] as number })).filter((a) => a.w > 0);
  const total = arms.reduce((s, a) => s + a.c, 0);
  const weightTotal = arms.reduce((s, a) => s + a.w, 0);
  if (arms.length < 2 || total <= 0) return 1;
  let x2 = 0;
  for (const a of arms) {
    const expected = (total * a.w) / weightTotal;
    x2 += (a.c - expected) ** 2 / expected;
  }
  return chiSquareSurvival(x2, arms.length - 1);
}

/** True when the p-value signals a sample-ratio mismatch. */
export function isSampleRatioMismatch(pValue: number): boolean {
  return pValue < SRM_P_VALUE_THRESHOLD;
}
