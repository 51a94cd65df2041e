/**
 * Per-variant sufficient statistics (docs/spec.md §6 input) and the per-arm
 * moments every test is built from. Variances here are per unit, so the
 * variance of an arm's mean is `variance / n`.
 *
 * @example
 * armMoments('mean', { n: 10, sum: 7.5, sum_squares: 34.43 })
 * // { n: 10, mean: 0.75, variance: 3.2005…, ... }
 */

export type MetricType = 'mean' | 'proportion' | 'ratio';

/** Sums over the units (viewers) of one variant; field names as in docs/spec.md §6. */
export interface VariantSums {
  n: number;
  sum: number;
  sum_squares: number;
  denominator_sum?: number;
  denominator_sum_squares?: number;
  main_denominator_sum_product?: number;
  covariate_sum?: number;
  covariate_sum_squares?: number;
  main_covariate_sum_product?: number;
}

/** Mean and per-unit variance of one arm's metric. */
export interface ArmMoments {
  n: number;
  mean: number;
  variance: number;
}

/**
 * How far below `(Σy)²/n` a sum of squares may fall, relative to the larger
 * of the two, and still count as floating-point rounding of a zero variance.
 */
export const SUM_SQUARES_ROUNDING_TOLERANCE = 1e-9;

/** The pairs of (sum, sum of squares) a variant's sums hold, by field name. */
const SQUARED_FIELDS: ReadonlyArray<readonly [keyof VariantSums, keyof VariantSums]> = [
  ['sum', 'sum_squares'],
  ['denominator_sum', 'denominator_sum_squares'],
  ['covariate_sum', 'covariate_sum_squares'],
];

/**
 * Why a variant's sums cannot come from real data — a sum of squares below
 * `sum²/n`, i.e. a negative variance, beyond rounding — or null when they can.
 * `label` names the variant in the message (e.g. `variants[1]`).
 *
 * @example
 * inconsistentSums({ n: 4, sum: 10, sum_squares: 20 }, 'variants[1]')
 * // 'variants[1].sum_squares is 20 but must be at least sum²/n = 25 (a negative variance); check the sums'
 */
export function inconsistentSums(v: VariantSums, label: string): string | null {
  if (!(v.n > 0)) return null;
  for (const [sumField, squaresField] of SQUARED_FIELDS) {
    const sum = v[sumField];
    const squares = v[squaresField];
    if (sum === undefined || squares === undefined) continue;
    const floor = (sum * sum) / v.n;
    if (squares >= floor) continue;
    if (floor - squares <= SUM_SQUARES_ROUNDING_TOLERANCE * Math.max(Math.abs(floor), Math.abs(squares))) continue;
    return `${label}.${squaresField} is ${squares} but must be at least ${sumField}²/n = ${floor} (a negative variance, which no data can give); check the sums`;
  }
  return null;
}

/** Throws a RangeError naming the first variant and field whose sums are inconsistent. */
export function assertConsistentSums(variants: readonly VariantSums[]): void {
  variants.forEach((v, i) => {
    const problem = inconsistentSums(v, `variants[${i}]`);
    if (problem !== null) throw new RangeError(problem);
  });
}

/** Sample variance `(Σy² − (Σy)²/n)/(n−1)`, clamped at 0 against rounding (inconsistent sums are refused before: {@link inconsistentSums}). */
export function sampleVariance(n: number, sum: number, sumSquares: number): number {
  if (n < 2) return 0;
  return Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
}

/** Sample covariance `(Σxy − ΣxΣy/n)/(n−1)`. */
export function sampleCovariance(n: number, sumX: number, sumY: number, sumXY: number): number {
  if (n < 2) return 0;
  return (sumXY - (sumX * sumY) / n) / (n - 1);
}

function required(v: VariantSums, field: keyof VariantSums): number {
  const value = v[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`ratio metrics need a finite "${field}" for every variant, got ${String(value)}`);
  }
  return value;
}

/**
 * Mean and per-unit variance of an arm: mean metrics use the sample
 * variance, proportions `p(1−p)`, ratios M/D the delta method
 * `var_m/μd² − 2·cov·μm/μd³ + μm²·var_d/μd⁴`.
 */
export function armMoments(metric: MetricType, v: VariantSums): ArmMoments {
  const n = v.n;
  if (n <= 0) return { n, mean: 0, variance: 0 };
  if (metric === 'proportion') {
    const p = v.sum / n;
    return { n, mean: p, variance: p * (1 - p) };
  }
  if (metric === 'mean') return { n, mean: v.sum / n, variance: sampleVariance(n, v.sum, v.sum_squares) };
  const dSum = required(v, 'denominator_sum');
  const muM = v.sum / n;
  const muD = dSum / n;
  if (muD === 0) return { n, mean: 0, variance: 0 };
  const varM = sampleVariance(n, v.sum, v.sum_squares);
  const varD = sampleVariance(n, dSum, required(v, 'denominator_sum_squares'));
  const cov = sampleCovariance(n, v.sum, dSum, required(v, 'main_denominator_sum_product'));
  const variance = varM / muD ** 2 - (2 * cov * muM) / muD ** 3 + (muM ** 2 * varD) / muD ** 4;
  return { n, mean: muM / muD, variance: Math.max(0, variance) };
}
