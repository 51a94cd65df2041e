/**
 * Always-valid inference for teams that look every day: the asymptotic
 * confidence sequence of Waudby-Smith et al. ("Time-uniform central limit
 * theory and asymptotic confidence sequences", eqs. 9 and 161), the
 * convention GrowthBook uses. N* is the total sample size at which the
 * sequence is tightest; the p-value is the smallest alpha whose sequence
 * excludes 0, so p < alpha exactly when the interval excludes 0.
 *
 * @example
 * sequentialTest(effect, 0.05) // { ci: [lo, hi], p_value }
 */
import type { EffectEstimate } from './effect.ts';

/** Default tuning parameter N* (total units where the sequence is tightest). */
export const DEFAULT_SEQUENTIAL_TUNING_UNITS = 5000;

/** Mixing parameter ρ = sqrt((−2·ln α + ln(−2·ln α + 1)) / N*). */
export function sequentialRho(alpha: number, tuningUnits: number = DEFAULT_SEQUENTIAL_TUNING_UNITS): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  if (!(tuningUnits > 0)) throw new RangeError(`the sequential tuning parameter N* must be positive, got ${tuningUnits}`);
  const logAlpha = Math.log(alpha);
  return Math.sqrt((-2 * logAlpha + Math.log(-2 * logAlpha + 1)) / tuningUnits);
}

export interface SequentialResult {
  estimate: number;
  ci: [number, number];
  p_value: number;
}

/**
 * Confidence sequence and always-valid p-value for an effect. The
 * per-unit variance is the effect's variance times the total units n.
 */
export function sequentialTest(
  effect: EffectEstimate,
  alpha: number,
  tuningUnits: number = DEFAULT_SEQUENTIAL_TUNING_UNITS,
): SequentialResult {
  const n = effect.nA + effect.nB;
  const rho = sequentialRho(alpha, tuningUnits);
  const s2 = effect.variance * n;
  const nRho2 = n * rho * rho + 1;
  const half = Math.sqrt(s2) * Math.sqrt((2 * nRho2 * Math.log(Math.sqrt(nRho2) / alpha)) / (n * rho) ** 2);
  // Invert the interval: 0 lies outside the level-p sequence when ln(e-value) > ln(1/p).
  const logEvalue = (rho * rho * n * n * effect.estimate ** 2) / (2 * s2 * nRho2) - 0.5 * Math.log(nRho2);
  return {
    estimate: effect.estimate,
    ci: [effect.estimate - half, effect.estimate + half],
    p_value: logEvalue <= 0 ? 1 : Math.min(1, Math.exp(-logEvalue)),
  };
}
