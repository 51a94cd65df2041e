/**
 * 95% Wilson score interval for a proportion (docs/spec.md §4b "Confidence on
 * leaderboards"): unlike the normal approximation it stays inside [0, 1]
 * and is honest for small audiences and rates near 0 or 1.
 *
 * @example
 * wilsonInterval(2, 4); // [0.1500, 0.8500] (rounded)
 */

/** Two-sided 95% normal quantile, z = Φ⁻¹(0.975). */
export const WILSON_Z_95 = 1.959963984540054;

/** [low, high] for `successes` out of `trials`; [null, null] when there are no trials. */
export function wilsonInterval(successes: number, trials: number, z: number = WILSON_Z_95): [number | null, number | null] {
  if (trials <= 0) return [null, null];
  if (successes < 0 || successes > trials) {
    throw new Error(`wilsonInterval: successes must be within 0..trials, got ${successes} of ${trials}`);
  }
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}
