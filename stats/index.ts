/**
 * The experiment statistics engine (docs/spec.md §6): pure functions over
 * per-variant sufficient statistics, no I/O.
 *
 * @example
 * import { analyzeVariants } from './index.ts';
 * analyzeVariants({ metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05, variants: [a, b] });
 */
export { analyzeVariants, analyzeVariantsDetailed, compareArms, correctComparisons, METHODS } from './analyze.ts';
export type { AnalysisOptions, Comparison, Method, StatsInput, StatsOutput, VariantResult } from './analyze.ts';
export { bayesianEffect, expectedLosses } from './bayesian.ts';
export type { BayesianResult, GaussianPrior } from './bayesian.ts';
export { cupedArm, hasCovariate, pooledTheta } from './cuped.ts';
export { estimateEffect, plainArm, welchDof, MIN_UNITS_PER_ARM } from './effect.ts';
export type { EffectArm, EffectEstimate } from './effect.ts';
export { DEFAULT_ALPHA, pooledTwoProportionZTest, welchTest } from './frequentist.ts';
export type { WelchResult } from './frequentist.ts';
export { adjustPValues, benjaminiHochbergAdjust, holmAdjust, intervalAlpha, CORRECTIONS } from './multiple.ts';
export type { Correction } from './multiple.ts';
export { parseStatsInput, StatsInputError, MAX_VARIANTS } from './parse-input.ts';
export { seededRandom } from './random.ts';
export type { SeededRandom } from './random.ts';
export { DEFAULT_SEQUENTIAL_TUNING_UNITS, sequentialRho, sequentialTest } from './sequential.ts';
export { isSampleRatioMismatch, srmPValue, SRM_P_VALUE_THRESHOLD } from './srm.ts';
export { armMoments, assertConsistentSums, inconsistentSums, sampleCovariance, sampleVariance, SUM_SQUARES_ROUNDING_TOLERANCE } from './sufficient.ts';
export type { ArmMoments, MetricType, VariantSums } from './sufficient.ts';
export { percentileLinear, winsorize } from './winsorize.ts';
