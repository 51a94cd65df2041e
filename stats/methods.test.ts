/** Bayesian, sequential, CUPED, corrections and capping, each against a second route. */
import { describe, expect, it } from 'vitest';
import { analyzeVariants, compareArms } from './analyze.ts';
import { bayesianEffect, expectedLosses } from './bayesian.ts';
import { normalCdf } from './distributions.ts';
import { estimateEffect, plainArm } from './effect.ts';
import { welchTest } from './frequentist.ts';
import { benjaminiHochbergAdjust, holmAdjust, intervalAlpha } from './multiple.ts';
import { sequentialRho, sequentialTest } from './sequential.ts';
import { percentileLinear, winsorize } from './winsorize.ts';
import { seededRandom } from './random.ts';
import { sumsFromMoments, sumsOf } from './test-helpers.ts';

const effect = { estimate: 0.04, variance: 0.0004, dof: 1e6, nA: 5000, nB: 5000 };

describe('Bayesian posterior', () => {
  it('with a flat prior: mean = estimate, chance to win = Φ(estimate/se)', () => {
    const r = bayesianEffect(effect, { alpha: 0.05, relative: true, controlMean: 1 });
    expect(r.expected).toBe(0.04);
    expect(r.chance_to_win).toBeCloseTo(normalCdf(2), 12);
    expect(r.ci[0]).toBeCloseTo(0.04 - 1.959963985 * 0.02, 8);
  });

  it('risk equals numeric integration of the expected losses (second route)', () => {
    const mu = -0.013;
    const sd = 0.021;
    let gain = 0;
    let loss = 0;
    const step = sd / 2000;
    for (let x = mu - 12 * sd; x <= mu + 12 * sd; x += step) {
      const density = Math.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
      gain += Math.max(x, 0) * density * step;
      loss += Math.max(-x, 0) * density * step;
    }
    const [riskControl, riskVariant] = expectedLosses(mu, sd);
    expect(riskControl).toBeCloseTo(gain, 7);
    expect(riskVariant).toBeCloseTo(loss, 7);
    expect(riskVariant - riskControl).toBeCloseTo(-mu, 12);
  });

  it('a Gaussian prior shrinks toward its mean by precision weighting; absolute effects scale it by |μA|', () => {
    const prior = { mean: 0, variance: 0.0004 };
    const r = bayesianEffect(effect, { alpha: 0.05, relative: true, controlMean: 1, prior });
    expect(r.expected).toBeCloseTo(0.02, 12);
    expect(r.posterior_sd).toBeCloseTo(Math.sqrt(0.0002), 12);
    const abs = bayesianEffect({ ...effect, estimate: 0.4, variance: 0.04 }, { alpha: 0.05, relative: false, controlMean: -10, prior });
    expect(abs.expected).toBeCloseTo(0.2, 12);
  });
});

describe('sequential confidence sequences', () => {
  it('ρ for α = 0.05 and N* = 5000 (hand computation)', () => {
    const twoLog = -2 * Math.log(0.05);
    expect(sequentialRho(0.05, 5000)).toBeCloseTo(Math.sqrt((twoLog + Math.log(twoLog + 1)) / 5000), 15);
    expect(sequentialRho(0.05, 5000)).toBeCloseTo(0.0398403, 6);
  });

  it('is wider than the fixed-horizon interval, and p < α exactly when 0 is outside it', () => {
    for (const estimate of [0, 0.01, 0.03, 0.05, 0.06, 0.08, 0.2]) {
      const e = { ...effect, estimate };
      const s = sequentialTest(e, 0.05);
      const f = welchTest(e, 0.05);
      expect(s.ci[1] - s.ci[0]).toBeGreaterThan(f.ci[1] - f.ci[0]);
      expect(s.p_value < 0.05).toBe(s.ci[0] > 0 || s.ci[1] < 0);
      expect(s.p_value).toBeGreaterThanOrEqual(f.p_value);
    }
  });

  it('the always-valid p-value is exactly α when the interval just touches 0', () => {
    const s = sequentialTest(effect, 0.05);
    const half = (s.ci[1] - s.ci[0]) / 2;
    expect(sequentialTest({ ...effect, estimate: half }, 0.05).p_value).toBeCloseTo(0.05, 12);
  });
});

describe('CUPED', () => {
  const rng = seededRandom(7);
  const pre = (n: number) => Array.from({ length: n }, () => rng.normal(20, 6));
  const xA = pre(400);
  const xB = pre(450);
  const yA = xA.map((x) => 0.8 * x + rng.normal(5, 3));
  const yB = xB.map((x) => 0.8 * x + rng.normal(6, 3));
  const opts = { metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05 } as const;

  it('matches a Welch test on the adjusted raw values y − θ(x − x̄) (second route)', () => {
    const c = compareArms(sumsOf(yA, xA), sumsOf(yB, xB), opts);
    const theta = c.cuped_theta as number;
    const all = [...xA, ...xB];
    const xBar = all.reduce((s, x) => s + x, 0) / all.length;
    const adj = (ys: number[], xs: number[]) => ys.map((y, i) => y - theta * ((xs[i] as number) - xBar));
    const direct = compareArms(sumsOf(adj(yA, xA)), sumsOf(adj(yB, xB)), opts);
    expect(c.expected).toBeCloseTo(direct.expected as number, 9);
    expect(c.ci?.[0]).toBeCloseTo(direct.ci?.[0] as number, 9);
    expect(c.p_value).toBeCloseTo(direct.p_value as number, 9);
  });

  it('θ is the pooled least-squares slope and the interval narrows', () => {
    const c = compareArms(sumsOf(yA, xA), sumsOf(yB, xB), opts);
    const plain = compareArms(sumsOf(yA, xA), sumsOf(yB, xB), { ...opts, cuped: false });
    expect(c.cuped_theta).toBeGreaterThan(0.6);
    expect(c.cuped_theta).toBeLessThan(1);
    expect((c.ci as number[])[1]! - (c.ci as number[])[0]!).toBeLessThan(0.7 * ((plain.ci as number[])[1]! - (plain.ci as number[])[0]!));
    expect(plain.cuped_theta).toBeNull();
  });

  it('with an uninformative covariate the relative effect equals the unadjusted one', () => {
    const flat = (ys: number[]) => ({ ...sumsOf(ys), covariate_sum: 0, covariate_sum_squares: 0, main_covariate_sum_product: 0 });
    const rel = { ...opts, relative: true };
    const c = compareArms(flat(yA), flat(yB), rel);
    const plain = compareArms(sumsOf(yA), sumsOf(yB), rel);
    expect(c.cuped_theta).toBe(0);
    expect(c.expected).toBeCloseTo(plain.expected as number, 12);
    expect(c.ci?.[1]).toBeCloseTo(plain.ci?.[1] as number, 12);
  });
});

describe('multiple comparisons', () => {
  const p = [0.005, 0.011, 0.02, 0.04, 0.13];

  it("match R's p.adjust (holm, BH)", () => {
    holmAdjust(p).forEach((q, i) => expect(q).toBeCloseTo([0.025, 0.044, 0.06, 0.08, 0.13][i] as number, 12));
    benjaminiHochbergAdjust(p).forEach((q, i) => expect(q).toBeCloseTo([0.025, 0.0275, 0.1 / 3, 0.05, 0.13][i] as number, 12));
    expect(holmAdjust([0.04, 0.005])).toEqual([0.04, 0.01]);
  });

  it('interval levels: Bonferroni for Holm, α·R/m for BH', () => {
    expect(intervalAlpha('holm', p, 0.05)).toBeCloseTo(0.01, 12);
    expect(intervalAlpha('bh', p, 0.05)).toBeCloseTo(0.04, 12);
    expect(intervalAlpha('bh', [0.5, 0.9], 0.05)).toBeCloseTo(0.025, 12);
    expect(intervalAlpha('none', p, 0.05)).toBe(0.05);
  });

  it('the analysis widens intervals and raises p-values across variants', () => {
    const base = { metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05 } as const;
    const variants = [sumsFromMoments(1000, 10, 4), sumsFromMoments(1000, 10.2, 4), sumsFromMoments(1000, 10.3, 4), sumsFromMoments(1000, 9.9, 4)];
    const raw = analyzeVariants({ ...base, variants });
    const holm = analyzeVariants({ ...base, variants, correction: 'holm' });
    holm.results.forEach((r, i) => {
      const before = raw.results[i]!;
      expect(r.p_value).toBeGreaterThanOrEqual(before.p_value as number);
      expect(r.ci![1] - r.ci![0]).toBeGreaterThan(before.ci![1] - before.ci![0]);
    });
    const e = estimateEffect(plainArm({ n: 1000, mean: 10, variance: 4 }), plainArm({ n: 1000, mean: 10.2, variance: 4 }), false);
    if (!e.ok) throw new Error(e.error);
    expect(holm.results[0]!.ci![0]).toBeCloseTo(welchTest(e.effect, 0.05 / 3).ci[0], 12);
  });
});

describe('capping revenue', () => {
  it('caps at the linear-interpolated percentile', () => {
    expect(percentileLinear([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(winsorize([1, 2, 3, 1000], 0.75)).toEqual([1, 2, 3, 252.25]);
    expect(winsorize([5, 1], 1)).toEqual([5, 1]);
    expect(() => percentileLinear([1], 1.5)).toThrow(/between 0 and 1/);
  });
});
