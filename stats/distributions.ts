/**
 * Distribution functions behind every test: normal, Student t and
 * chi-square, from jStat (MIT). Upper tails are taken by symmetry where
 * possible so small p-values keep their precision.
 *
 * @example
 * studentTQuantile(0.975, 17.776) // 2.1028…
 */
import jstat from 'jstat';

// jstat is CommonJS: Node's ESM loader only offers its module.exports as the default export.
const { jStat } = jstat;

/** Above this many degrees of freedom the t distribution is treated as normal (difference < 1e-7). */
export const NORMAL_APPROX_MIN_DOF = 1e7;

/** P(Z ≤ x) for the normal with the given mean and standard deviation. */
export function normalCdf(x: number, mean = 0, sd = 1): number {
  return jStat.normal.cdf(x, mean, sd);
}

/** The p-quantile of the normal with the given mean and standard deviation. */
export function normalQuantile(p: number, mean = 0, sd = 1): number {
  return jStat.normal.inv(p, mean, sd);
}

/** P(T ≤ x) for Student's t with `dof` degrees of freedom (dof may be fractional). */
export function studentTCdf(x: number, dof: number): number {
  if (!(dof > 0)) throw new RangeError(`degrees of freedom must be positive, got ${dof}`);
  if (dof >= NORMAL_APPROX_MIN_DOF) return normalCdf(x);
  return jStat.studentt.cdf(x, dof);
}

/** The p-quantile of Student's t with `dof` degrees of freedom. */
export function studentTQuantile(p: number, dof: number): number {
  if (!(dof > 0)) throw new RangeError(`degrees of freedom must be positive, got ${dof}`);
  if (dof >= NORMAL_APPROX_MIN_DOF) return normalQuantile(p);
  return jStat.studentt.inv(p, dof);
}

/** Two-sided p-value of a t statistic: 2·P(T ≤ −|t|). */
export function studentTTwoSidedP(t: number, dof: number): number {
  return Math.min(1, 2 * studentTCdf(-Math.abs(t), dof));
}

/** Two-sided p-value of a z statistic: 2·P(Z ≤ −|z|). */
export function normalTwoSidedP(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/** P(X > x) for the chi-square with `dof` degrees of freedom. */
export function chiSquareSurvival(x: number, dof: number): number {
  if (!(dof > 0)) throw new RangeError(`degrees of freedom must be positive, got ${dof}`);
  if (x <= 0) return 1;
  return Math.max(0, 1 - jStat.chisquare.cdf(x, dof));
}

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}
