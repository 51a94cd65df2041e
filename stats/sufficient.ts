/**
 * Per-variant sufficient statistics (SPEC section 6 input) and the per-arm
 * moments every test is built from. Variances here are per unit, so the
 * variance of an arm's mean is `variance / n`.
 *
 * @example
 * armMoments('mean', { n: 10, sum: 7.5, sum_squares: 34.43 })
 * // { n: 10, mean: 0.75, variance: 3.2005…, ... }
 */

export type MetricType = 'mean' | 'proportion' | 'ratio';

/** Sums over the units (viewers) of one variant; field names as in SPEC section 6. */
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

/** Sample variance `(Σy² − (Σy)²/n)/(n−1)`, clamped at 0 against rounding. */
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
