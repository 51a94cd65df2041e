/**
 * Helpers for the engine's tests: sufficient statistics from raw values,
 * and from a mean and variance.
 *
 * @example
 * sumsOf([1, 2, 3]) // { n: 3, sum: 6, sum_squares: 14 }
 */
import type { VariantSums } from './sufficient.ts';

/** Sums of raw values, with an optional covariate per value. */
export function sumsOf(values: readonly number[], covariate?: readonly number[]): VariantSums {
  const sums: VariantSums = { n: values.length, sum: 0, sum_squares: 0 };
  for (const y of values) {
    sums.sum += y;
    sums.sum_squares += y * y;
  }
  if (covariate) {
    let sx = 0;
    let sxx = 0;
    let sxy = 0;
    covariate.forEach((x, i) => {
      sx += x;
      sxx += x * x;
      sxy += x * (values[i] as number);
    });
    Object.assign(sums, { covariate_sum: sx, covariate_sum_squares: sxx, main_covariate_sum_product: sxy });
  }
  return sums;
}

/** Sums of n units with the given sample mean and sample variance. */
export function sumsFromMoments(n: number, mean: number, variance: number): VariantSums {
  return { n, sum: n * mean, sum_squares: (n - 1) * variance + n * mean * mean };
}
