/**
 * CUPED (Deng et al. 2013): subtract θ·(pre-exposure covariate) from each
 * unit's metric, with θ = cov(x, y)/var(x) pooled over both arms so the
 * adjustment cannot itself create a difference between them.
 *
 * @example
 * const theta = pooledTheta('mean', control, treatment);
 * const arm = cupedArm('mean', control, theta); // arm.mean = ȳ − θ·x̄
 */
import { armMoments, sampleCovariance, sampleVariance, type MetricType, type VariantSums } from './sufficient.ts';
import type { EffectArm } from './effect.ts';

interface CovariateSums {
  sumX: number;
  sumXX: number;
  sumXY: number;
}

function covariateSums(v: VariantSums): CovariateSums {
  const { covariate_sum: sumX, covariate_sum_squares: sumXX, main_covariate_sum_product: sumXY } = v;
  if (sumX === undefined || sumXX === undefined || sumXY === undefined) {
    throw new RangeError('CUPED needs covariate_sum, covariate_sum_squares and main_covariate_sum_product for every variant');
  }
  return { sumX, sumXX, sumXY };
}

/** True when every variant carries the three covariate sums. */
export function hasCovariate(variants: readonly VariantSums[]): boolean {
  return variants.every(
    (v) => v.covariate_sum !== undefined && v.covariate_sum_squares !== undefined && v.main_covariate_sum_product !== undefined,
  );
}

function assertSupported(metric: MetricType): void {
  if (metric === 'ratio') throw new RangeError('CUPED is supported for mean and proportion metrics, not ratio metrics');
}

/** θ = cov(x, y)/var(x) over the units of both arms together; 0 when the covariate does not vary. */
export function pooledTheta(metric: MetricType, a: VariantSums, b: VariantSums): number {
  assertSupported(metric);
  const ca = covariateSums(a);
  const cb = covariateSums(b);
  const n = a.n + b.n;
  const varX = sampleVariance(n, ca.sumX + cb.sumX, ca.sumXX + cb.sumXX);
  if (varX <= 0) return 0;
  return sampleCovariance(n, ca.sumX + cb.sumX, a.sum + b.sum, ca.sumXY + cb.sumXY) / varX;
}

/** One arm's CUPED-adjusted moments, with what the relative effect needs about the unadjusted mean. */
export function cupedArm(metric: MetricType, v: VariantSums, theta: number): EffectArm {
  assertSupported(metric);
  const c = covariateSums(v);
  const post = armMoments(metric, v);
  const n = v.n;
  const meanX = n > 0 ? c.sumX / n : 0;
  const varX = sampleVariance(n, c.sumX, c.sumXX);
  const covXY = sampleCovariance(n, c.sumX, v.sum, c.sumXY);
  return {
    n,
    mean: post.mean - theta * meanX,
    variance: Math.max(0, post.variance + theta * theta * varX - 2 * theta * covXY),
    unadjustedMean: post.mean,
    unadjustedVariance: post.variance,
    adjustedUnadjustedCovariance: post.variance - theta * covXY,
  };
}
