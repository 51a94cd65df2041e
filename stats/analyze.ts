/**
 * One entry point over the engine: compare each variant with the control
 * (the first variant) by the chosen method, apply a multiple-comparison
 * correction, and check the sample ratio — the `livelens stats` contract
 * of docs/spec.md §6.
 *
 * Which fields a method fills (the rest are null):
 * - frequentist: expected, ci, p_value (Welch t-test)
 * - sequential:  expected, ci, p_value (always-valid confidence sequence)
 * - bayesian:    expected, ci (credible interval), chance_to_win, risk
 *
 * @example
 * analyzeVariants({ metric: 'proportion', method: 'frequentist', relative: true, alpha: 0.05,
 *   variants: [{ n: 1000, sum: 100, sum_squares: 100 }, { n: 1000, sum: 130, sum_squares: 130 }] })
 * // { srm_p_value: 1, results: [{ variant: 1, expected: 0.3, ci: [...], p_value: 0.03…, chance_to_win: null, risk: null }] }
 */
import { bayesianEffect, type GaussianPrior } from './bayesian.ts';
import { cupedArm, hasCovariate, pooledTheta } from './cuped.ts';
import { estimateEffect, plainArm, type EffectArm, type EffectEstimate } from './effect.ts';
import { DEFAULT_ALPHA, welchTest } from './frequentist.ts';
import { adjustPValues, intervalAlpha, type Correction } from './multiple.ts';
import { DEFAULT_SEQUENTIAL_TUNING_UNITS, sequentialTest } from './sequential.ts';
import { srmPValue } from './srm.ts';
import { armMoments, assertConsistentSums, type MetricType, type VariantSums } from './sufficient.ts';

export type Method = 'frequentist' | 'bayesian' | 'sequential';
export const METHODS: readonly Method[] = ['frequentist', 'bayesian', 'sequential'];

export interface AnalysisOptions {
  metric: MetricType;
  method: Method;
  /** Relative effect `(μB − μA)/|μA|` when true, else absolute `μB − μA`. */
  relative: boolean;
  alpha: number;
  /** Use CUPED when the covariate sums are present (default true). */
  cuped?: boolean;
  /** Bayesian prior on the relative lift; flat when absent. */
  prior?: GaussianPrior;
  /** N* of the sequential test. */
  sequentialTuningUnits?: number;
  correction?: Correction;
}

/** One variant against control, as printed by `livelens stats`. */
export interface VariantResult {
  variant: number;
  expected: number | null;
  ci: [number, number] | null;
  p_value: number | null;
  chance_to_win: number | null;
  risk: [number, number] | null;
}

/** A comparison with what a report needs beyond the printed fields. */
export interface Comparison extends VariantResult {
  /** Why the comparison could not be made, else null. */
  error: string | null;
  /** The effect before any method is applied (null on error). */
  effect: EffectEstimate | null;
  /** CUPED θ, null when CUPED was not applied. */
  cuped_theta: number | null;
}

export interface StatsInput extends AnalysisOptions {
  weights?: number[];
  variants: VariantSums[];
}

export interface StatsOutput {
  srm_p_value: number;
  results: VariantResult[];
}

function emptyComparison(variant: number, error: string | null): Comparison {
  return { variant, expected: null, ci: null, p_value: null, chance_to_win: null, risk: null, error, effect: null, cuped_theta: null };
}

function applyMethod(effect: EffectEstimate, options: AnalysisOptions, controlMean: number, alpha: number) {
  if (options.method === 'frequentist') {
    const r = welchTest(effect, alpha);
    return { expected: r.estimate, ci: r.ci, p_value: r.p_value, chance_to_win: null, risk: null };
  }
  if (options.method === 'sequential') {
    const r = sequentialTest(effect, alpha, options.sequentialTuningUnits ?? DEFAULT_SEQUENTIAL_TUNING_UNITS);
    return { expected: r.estimate, ci: r.ci, p_value: r.p_value, chance_to_win: null, risk: null };
  }
  const r = bayesianEffect(effect, { alpha, relative: options.relative, controlMean, ...(options.prior ? { prior: options.prior } : {}) });
  return { expected: r.expected, ci: r.ci, p_value: null, chance_to_win: r.chance_to_win, risk: r.risk };
}

/**
 * Compares one treatment with the control. Never throws for data that
 * merely cannot be analysed (too few units, no variance, zero control
 * mean): the comparison then carries `error` and null results.
 */
export function compareArms(control: VariantSums, treatment: VariantSums, options: AnalysisOptions, variant = 1): Comparison {
  const useCuped = (options.cuped ?? true) && options.metric !== 'ratio' && hasCovariate([control, treatment]);
  let a: EffectArm;
  let b: EffectArm;
  let theta: number | null = null;
  if (useCuped) {
    theta = pooledTheta(options.metric, control, treatment);
    a = cupedArm(options.metric, control, theta);
    b = cupedArm(options.metric, treatment, theta);
  } else {
    a = plainArm(armMoments(options.metric, control));
    b = plainArm(armMoments(options.metric, treatment));
  }
  const outcome = estimateEffect(a, b, options.relative);
  if (!outcome.ok) return { ...emptyComparison(variant, outcome.error), cuped_theta: theta };
  return {
    variant,
    ...applyMethod(outcome.effect, options, a.unadjustedMean, options.alpha),
    error: null,
    effect: outcome.effect,
    cuped_theta: theta,
  };
}

/**
 * Applies a correction across comparisons (any mix of metrics and
 * variants analysed with the same method): p-values become adjusted
 * p-values and intervals are recomputed at the corrected level. Bayesian
 * comparisons are returned unchanged (they carry no p-value).
 */
export function correctComparisons(comparisons: readonly Comparison[], options: AnalysisOptions): Comparison[] {
  const correction = options.correction ?? 'none';
  if (correction === 'none' || options.method === 'bayesian') return [...comparisons];
  const tested = comparisons.filter((c) => c.effect !== null && c.p_value !== null);
  const raw = tested.map((c) => c.p_value as number);
  const adjusted = adjustPValues(correction, raw);
  const alpha = intervalAlpha(correction, raw, options.alpha);
  return comparisons.map((c) => {
    const i = tested.indexOf(c);
    if (i < 0 || c.effect === null) return c;
    const redone = applyMethod(c.effect, options, 0, alpha);
    return { ...c, ci: redone.ci, p_value: adjusted[i] as number };
  });
}

/** The docs/spec.md §6 analysis with each comparison's details (errors, θ, the raw effect). */
export function analyzeVariantsDetailed(input: StatsInput): { srm_p_value: number; comparisons: Comparison[] } {
  const [control, ...treatments] = input.variants;
  if (!control || treatments.length === 0) throw new RangeError('variants needs the control and at least one other variant');
  assertConsistentSums(input.variants);
  const options: AnalysisOptions = { ...input, alpha: input.alpha ?? DEFAULT_ALPHA };
  const compared = treatments.map((t, i) => compareArms(control, t, options, i + 1));
  return {
    srm_p_value: srmPValue(
      input.variants.map((v) => v.n),
      input.weights,
    ),
    comparisons: correctComparisons(compared, options),
  };
}

/** The docs/spec.md §6 analysis: every variant after the first against the first. */
export function analyzeVariants(input: StatsInput): StatsOutput {
  const { srm_p_value, comparisons } = analyzeVariantsDetailed(input);
  return {
    srm_p_value,
    results: comparisons.map(({ variant, expected, ci, p_value, chance_to_win, risk }) => ({ variant, expected, ci, p_value, chance_to_win, risk })),
  };
}
