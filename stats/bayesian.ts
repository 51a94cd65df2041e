/**
 * Bayesian read-out: a Gaussian posterior on the effect (the data's
 * estimate and variance, combined with a Gaussian prior when one is
 * given; a flat prior by default), the chance that the variant beats
 * control, and the risk (expected loss) of choosing either side.
 *
 * @example
 * bayesianEffect(effect, { alpha: 0.05, relative: true, controlMean: 2 })
 * // { expected, ci, chance_to_win, risk: [riskControl, riskVariant] }
 */
import type { EffectEstimate } from './effect.ts';
import { normalCdf, normalPdf, normalQuantile } from './distributions.ts';

/** A proper Gaussian prior on the relative lift (e.g. mean 0, variance 0.3² says lifts beyond ±60% are rare). */
export interface GaussianPrior {
  mean: number;
  variance: number;
}

export interface BayesianResult {
  expected: number;
  ci: [number, number];
  chance_to_win: number;
  /** [expected loss of choosing control, expected loss of choosing the variant], both ≥ 0. */
  risk: [number, number];
  posterior_sd: number;
}

export interface BayesianOptions {
  alpha: number;
  relative: boolean;
  /** Prior on the relative lift; absent means flat. */
  prior?: GaussianPrior;
  /** Unadjusted control mean, to scale a relative prior to the absolute effect. */
  controlMean: number;
}

/** E[max(X, 0)] and E[max(−X, 0)] for X ~ N(mu, sd²), in closed form. */
export function expectedLosses(mu: number, sd: number): [number, number] {
  if (sd === 0) return [Math.max(mu, 0), Math.max(-mu, 0)];
  const z = mu / sd;
  const density = sd * normalPdf(z);
  return [mu * normalCdf(z) + density, -mu * normalCdf(-z) + density];
}

/** Posterior on the effect, chance to win and risk. */
export function bayesianEffect(effect: EffectEstimate, options: BayesianOptions): BayesianResult {
  let mean = effect.estimate;
  let variance = effect.variance;
  const { prior } = options;
  if (prior) {
    if (!(prior.variance > 0)) throw new RangeError(`prior variance must be positive, got ${prior.variance}`);
    const scale = options.relative ? 1 : Math.abs(options.controlMean);
    const priorMean = prior.mean * scale;
    const priorVariance = prior.variance * scale * scale;
    if (priorVariance > 0) {
      const precision = 1 / variance + 1 / priorVariance;
      mean = (mean / variance + priorMean / priorVariance) / precision;
      variance = 1 / precision;
    }
  }
  const sd = Math.sqrt(variance);
  return {
    expected: mean,
    ci: [normalQuantile(options.alpha / 2, mean, sd), normalQuantile(1 - options.alpha / 2, mean, sd)],
    chance_to_win: 1 - normalCdf(0, mean, sd),
    risk: expectedLosses(mean, sd),
    posterior_sd: sd,
  };
}
