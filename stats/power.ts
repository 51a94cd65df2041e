/**
 * Power (docs/spec.md §4): the minimum detectable relative effect of a
 * two-sided test at a given sample, and its inverse, the units per arm a
 * planned effect needs.
 *
 *   MDE = (z₁₋α/₂ + z_power) · √(varA/nA + varB/nB) / |μA|
 *   n per arm = (z₁₋α/₂ + z_power)² · 2·var / (effect · |μA|)²   (equal arms, equal variance)
 *
 * Variances are per unit, as in section 6 (`p(1−p)` for a proportion, the
 * sample variance for a mean, the delta method for a ratio), and α is the
 * uncorrected level. The normal approximation is the one the open engines
 * use for planning; with fewer than ~30 units per arm the t-test needs a
 * little more.
 *
 * @example
 * minimumDetectableEffect({ n: 1000, mean: 0.05, variance: 0.0475 }, { n: 1000, mean: 0.05, variance: 0.0475 })
 * // 0.546…: 1,000 viewers per arm detect a 55% lift in a 5% conversion rate, no less
 * unitsPerArm({ baseline: 0.05, variance: 0.0475, relativeEffect: 0.1 }) // 29_826
 */
import { normalQuantile } from './distributions.ts';
import { DEFAULT_ALPHA } from './frequentist.ts';
import { MIN_UNITS_PER_ARM } from './effect.ts';
import type { ArmMoments } from './sufficient.ts';

/** Chance of detecting a true effect of the MDE's size (80%). */
export const DEFAULT_POWER = 0.8;

/** z₁₋α/₂ + z_power: the distance, in standard errors, an effect must lie from 0 to be detected. */
export function powerMultiplier(alpha: number = DEFAULT_ALPHA, power: number = DEFAULT_POWER): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1 (exclusive), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be between 0 and 1 (exclusive), got ${power}`);
  return normalQuantile(1 - alpha / 2) + normalQuantile(power);
}

/**
 * The smallest relative effect (|μB − μA| / |μA|) the sample detects with
 * the given power; null when the control mean is 0 or an arm has fewer
 * than 2 units (docs/spec.md §4).
 */
export function minimumDetectableEffect(
  control: ArmMoments,
  treatment: ArmMoments,
  alpha: number = DEFAULT_ALPHA,
  power: number = DEFAULT_POWER,
  controlMean: number = control.mean,
): number | null {
  if (control.n < MIN_UNITS_PER_ARM || treatment.n < MIN_UNITS_PER_ARM || controlMean === 0 || !Number.isFinite(controlMean)) return null;
  const se = Math.sqrt(control.variance / control.n + treatment.variance / treatment.n);
  return (powerMultiplier(alpha, power) * se) / Math.abs(controlMean);
}

export interface PowerPlan {
  /** Control mean (a conversion rate, revenue per viewer, …); not 0. */
  baseline: number;
  /** Per-unit variance of the metric, the same in both arms. */
  variance: number;
  /** Relative effect to detect, e.g. 0.1 for a 10% lift; not 0. */
  relativeEffect: number;
  alpha?: number;
  power?: number;
}

/** Units each of two equal arms needs to detect `relativeEffect` (rounded up). */
export function unitsPerArm(plan: PowerPlan): number {
  const { baseline, variance, relativeEffect } = plan;
  if (!(Number.isFinite(baseline) && baseline !== 0)) throw new RangeError(`baseline must be a finite number other than 0, got ${baseline}`);
  if (!(Number.isFinite(variance) && variance >= 0)) throw new RangeError(`variance must be a finite number, 0 or more, got ${variance}`);
  if (!(Number.isFinite(relativeEffect) && relativeEffect !== 0)) throw new RangeError(`relative effect must be a finite number other than 0, got ${relativeEffect}`);
  const z = powerMultiplier(plan.alpha, plan.power);
  const n = Math.ceil((z * z * 2 * variance) / (relativeEffect * baseline) ** 2);
  if (!Number.isSafeInteger(n)) throw new RangeError(`the plan needs more than ${Number.MAX_SAFE_INTEGER} units per arm: the effect is too small for its variance`);
  return Math.max(MIN_UNITS_PER_ARM, n);
}

/** The relative effect two equal arms of `units` each detect (the inverse of {@link unitsPerArm}). */
export function detectableEffectForUnits(baseline: number, variance: number, units: number, alpha?: number, power?: number): number | null {
  return minimumDetectableEffect({ n: units, mean: baseline, variance }, { n: units, mean: baseline, variance }, alpha, power);
}
