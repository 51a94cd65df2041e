/**
 * The treatment-minus-control effect and its variance, absolute or
 * relative (docs/spec.md §6), with Welch–Satterthwaite degrees of freedom.
 *
 * Relative effect: `(μB − μA)/|μA|`, variance by the delta method
 * `varB/(nB·μA²) + varA·μB²/(nA·μA⁴)`. Under CUPED the numerator uses the
 * adjusted means and the denominator the unadjusted control mean; the
 * delta method then also carries the covariance of the two, and, as
 * GrowthBook's gbstats does, takes the control's gradient with the
 * treatment's unadjusted mean (`const = −ȳB`).
 *
 * @example
 * estimateEffect(plainArm(a), plainArm(b), true) // { estimate: 0.1, variance: …, dof: … }
 */
import type { ArmMoments } from './sufficient.ts';

/** An arm as the effect needs it; without CUPED the adjusted and unadjusted values coincide. */
export interface EffectArm extends ArmMoments {
  unadjustedMean: number;
  unadjustedVariance: number;
  /** Per-unit covariance of the adjusted and the unadjusted metric (= variance without CUPED). */
  adjustedUnadjustedCovariance: number;
}

export interface EffectEstimate {
  estimate: number;
  /** Variance of `estimate` (squared standard error). */
  variance: number;
  dof: number;
  nA: number;
  nB: number;
}

export type EffectOutcome = { ok: true; effect: EffectEstimate } | { ok: false; error: string };

/** Units an arm needs before a variance can be estimated. */
export const MIN_UNITS_PER_ARM = 2;

/** An arm without CUPED. */
export function plainArm(m: ArmMoments): EffectArm {
  return { ...m, unadjustedMean: m.mean, unadjustedVariance: m.variance, adjustedUnadjustedCovariance: m.variance };
}

/** Welch–Satterthwaite degrees of freedom from the per-arm variances of the means. */
export function welchDof(varA: number, nA: number, varB: number, nB: number): number {
  const a = varA / nA;
  const b = varB / nB;
  const denominator = (a * a) / (nA - 1) + (b * b) / (nB - 1);
  return denominator > 0 ? (a + b) ** 2 / denominator : nA + nB - 2;
}

/** Effect of B over A; an error when it cannot be estimated (too few units, no variance, zero control mean). */
export function estimateEffect(a: EffectArm, b: EffectArm, relative: boolean): EffectOutcome {
  if (a.n < MIN_UNITS_PER_ARM || b.n < MIN_UNITS_PER_ARM) {
    return { ok: false, error: `each variant needs at least ${MIN_UNITS_PER_ARM} units (control ${a.n}, variant ${b.n})` };
  }
  if (a.variance / a.n + b.variance / b.n <= 0) return { ok: false, error: 'the metric has zero variance in both variants' };
  const dof = welchDof(a.variance, a.n, b.variance, b.n);
  const diff = b.mean - a.mean;
  if (!relative) {
    return { ok: true, effect: { estimate: diff, variance: a.variance / a.n + b.variance / b.n, dof, nA: a.n, nB: b.n } };
  }
  const muA = a.unadjustedMean;
  if (muA === 0) return { ok: false, error: 'the control mean is 0, so a relative effect is undefined; use the absolute effect' };
  // The control's gradient takes the treatment's unadjusted mean (gbstats: const = −ȳB), so under
  // CUPED the control terms use the unadjusted difference; without CUPED the two coincide.
  const gradientDiff = b.unadjustedMean - muA;
  const variance =
    b.variance / (b.n * muA ** 2) +
    a.variance / (a.n * muA ** 2) +
    (gradientDiff ** 2 * a.unadjustedVariance) / (a.n * muA ** 4) +
    (2 * gradientDiff * a.adjustedUnadjustedCovariance) / (a.n * muA ** 3);
  return { ok: true, effect: { estimate: diff / Math.abs(muA), variance: Math.max(0, variance), dof, nA: a.n, nB: b.n } };
}
