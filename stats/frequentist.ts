/**
 * Two-sided Welch t-test on an effect (docs/spec.md §6), and the pooled
 * two-proportion z-test of textbooks and statsmodels' `proportions_ztest`.
 *
 * @example
 * const e = estimateEffect(plainArm(a), plainArm(b), false);
 * if (e.ok) welchTest(e.effect, 0.05) // { ci: [lo, hi], p_value, t, dof }
 */
import type { EffectEstimate } from './effect.ts';
import { normalTwoSidedP, studentTQuantile, studentTTwoSidedP } from './distributions.ts';

export interface WelchResult {
  estimate: number;
  ci: [number, number];
  p_value: number;
  t: number;
  dof: number;
  standard_error: number;
}

/** Significance level used when none is given. */
export const DEFAULT_ALPHA = 0.05;

/** Two-sided t-test of `effect` against 0, interval at level 1 − alpha. */
export function welchTest(effect: EffectEstimate, alpha: number = DEFAULT_ALPHA): WelchResult {
  const se = Math.sqrt(effect.variance);
  const t = effect.estimate / se;
  const half = studentTQuantile(1 - alpha / 2, effect.dof) * se;
  return {
    estimate: effect.estimate,
    ci: [effect.estimate - half, effect.estimate + half],
    p_value: studentTTwoSidedP(t, effect.dof),
    t,
    dof: effect.dof,
    standard_error: se,
  };
}

/**
 * Pooled two-proportion z-test of p1 − p2 (first group minus second), as
 * statsmodels' `proportions_ztest(count, nobs)`.
 *
 * @example
 * pooledTwoProportionZTest([5, 12], [83, 99]) // { z: -1.4078…, p_value: 0.1591… }
 */
export function pooledTwoProportionZTest(
  successes: readonly [number, number],
  totals: readonly [number, number],
): { z: number; p_value: number } {
  const [x1, x2] = successes;
  const [n1, n2] = totals;
  if (n1 <= 0 || n2 <= 0) throw new RangeError(`both groups need at least one observation, got ${n1} and ${n2}`);
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) throw new RangeError('the pooled proportion is 0 or 1, so the z statistic is undefined');
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, p_value: normalTwoSidedP(z) };
}
