/** Reference values from R and statsmodels, and second, independent routes to the same numbers. */
import { describe, expect, it } from 'vitest';
import { analyzeVariants, compareArms } from './analyze.ts';
import { estimateEffect, plainArm } from './effect.ts';
import { pooledTwoProportionZTest, welchTest } from './frequentist.ts';
import { chiSquareSurvival, normalCdf, normalQuantile, studentTQuantile } from './distributions.ts';
import { srmPValue } from './srm.ts';
import { armMoments } from './sufficient.ts';
import { sumsOf } from './test-helpers.ts';

// R's datasets::sleep, `extra` by group.
const SLEEP_GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
const TOL = 1e-4;

describe("R's Welch t.test(extra ~ group, data = sleep)", () => {
  // R reports group 1 minus group 2, so group 2 is the control here.
  const a = plainArm(armMoments('mean', sumsOf(SLEEP_GROUP_2)));
  const b = plainArm(armMoments('mean', sumsOf(SLEEP_GROUP_1)));
  const outcome = estimateEffect(a, b, false);
  if (!outcome.ok) throw new Error(outcome.error);
  const r = welchTest(outcome.effect, 0.05);

  it('matches t, df, p and the 95% interval', () => {
    expect(r.t).toBeCloseTo(-1.8608, 4);
    expect(r.dof).toBeCloseTo(17.776, 3);
    expect(Math.abs(r.p_value - 0.07939)).toBeLessThan(TOL);
    expect(Math.abs(r.ci[0] - -3.3654832)).toBeLessThan(TOL);
    expect(Math.abs(r.ci[1] - 0.2054832)).toBeLessThan(TOL);
  });

  it('gives the same through the stats input format', () => {
    const out = analyzeVariants({
      metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05,
      variants: [sumsOf(SLEEP_GROUP_2), sumsOf(SLEEP_GROUP_1)],
    });
    expect(out.results[0]?.expected).toBeCloseTo(-1.58, 10);
    expect(out.results[0]?.p_value).toBeCloseTo(r.p_value, 12);
  });

  it('agrees with a hand computation from two-pass variances (second route)', () => {
    const stats = (xs: number[]) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return { m, v: xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1), n: xs.length };
    };
    const g1 = stats(SLEEP_GROUP_1);
    const g2 = stats(SLEEP_GROUP_2);
    const se2 = g1.v / g1.n + g2.v / g2.n;
    const df = se2 ** 2 / ((g1.v / g1.n) ** 2 / (g1.n - 1) + (g2.v / g2.n) ** 2 / (g2.n - 1));
    expect(r.dof).toBeCloseTo(df, 10);
    expect(r.t).toBeCloseTo((g1.m - g2.m) / Math.sqrt(se2), 10);
  });
});

describe("statsmodels' pooled proportions_ztest([5, 12], [83, 99])", () => {
  it('matches z and p', () => {
    const r = pooledTwoProportionZTest([5, 12], [83, 99]);
    expect(Math.abs(r.z - -1.4078304)).toBeLessThan(TOL);
    expect(Math.abs(r.p_value - 0.1591813)).toBeLessThan(TOL);
  });

  it('z² equals the 2×2 chi-square statistic without continuity correction (second route)', () => {
    const table = [[5, 78], [12, 87]];
    const rows = table.map((r) => r.reduce((s, x) => s + x, 0));
    const cols = [0, 1].map((j) => table.reduce((s, r) => s + (r[j] as number), 0));
    const total = rows.reduce((s, x) => s + x, 0);
    let x2 = 0;
    table.forEach((row, i) => row.forEach((o, j) => {
      const e = ((rows[i] as number) * (cols[j] as number)) / total;
      x2 += (o - e) ** 2 / e;
    }));
    const { z, p_value } = pooledTwoProportionZTest([5, 12], [83, 99]);
    expect(z * z).toBeCloseTo(x2, 10);
    expect(p_value).toBeCloseTo(chiSquareSurvival(x2, 1), 8);
  });
});

describe('distribution functions against published tables', () => {
  it('t, normal and chi-square quantiles', () => {
    // jStat's inverse t is accurate to about 1e-8, ample for intervals reported to 4 digits.
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138852, 7);
    expect(studentTQuantile(0.995, 3)).toBeCloseTo(5.840909309, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(chiSquareSurvival(3.841458821, 1)).toBeCloseTo(0.05, 8);
    expect(chiSquareSurvival(5.991464547, 2)).toBeCloseTo(0.05, 8);
  });
});

describe('sample-ratio mismatch', () => {
  it('a two-arm chi-square equals the squared normal route', () => {
    const counts = [5000, 5200];
    const z = (5200 - 5100) / Math.sqrt(10200 * 0.25);
    expect(srmPValue(counts, [0.5, 0.5])).toBeCloseTo(2 * normalCdf(-Math.abs(z)), 9);
  });

  it('leaves out arms of weight 0 and renormalises', () => {
    expect(srmPValue([5000, 5200, 300], [0.5, 0.5, 0])).toBeCloseTo(srmPValue([5000, 5200], [1, 1]), 12);
  });

  it('uses the planned weights, not equal ones', () => {
    expect(srmPValue([2000, 8000], [0.2, 0.8])).toBeCloseTo(1, 12);
    expect(srmPValue([2000, 8000], [0.5, 0.5])).toBeLessThan(1e-10);
  });
});

describe('ratio metrics by the delta method', () => {
  it('a ratio over a denominator of 1 per unit is the mean metric (second route)', () => {
    const ys = [3, 5, 2, 8, 1, 0, 4];
    const mean = sumsOf(ys);
    const ratio = { ...mean, denominator_sum: ys.length, denominator_sum_squares: ys.length, main_denominator_sum_product: mean.sum };
    const ys2 = [4, 6, 2, 9, 1, 3, 5, 7];
    const mean2 = sumsOf(ys2);
    const ratio2 = { ...mean2, denominator_sum: ys2.length, denominator_sum_squares: ys2.length, main_denominator_sum_product: mean2.sum };
    const opts = { method: 'frequentist', relative: true, alpha: 0.05 } as const;
    const viaMean = compareArms(mean, mean2, { ...opts, metric: 'mean' });
    const viaRatio = compareArms(ratio, ratio2, { ...opts, metric: 'ratio' });
    expect(viaRatio.expected).toBeCloseTo(viaMean.expected as number, 12);
    expect(viaRatio.ci?.[0]).toBeCloseTo(viaMean.ci?.[0] as number, 10);
    expect(viaRatio.p_value).toBeCloseTo(viaMean.p_value as number, 10);
  });

  it('matches a numeric-gradient delta method on revenue per order', () => {
    // units: viewers; M: revenue, D: orders
    const m = [10, 0, 25, 5, 40, 12];
    const d = [1, 0, 2, 1, 3, 1];
    const n = m.length;
    const sums = {
      ...sumsOf(m),
      denominator_sum: d.reduce((s, x) => s + x, 0),
      denominator_sum_squares: d.reduce((s, x) => s + x * x, 0),
      main_denominator_sum_product: m.reduce((s, x, i) => s + x * (d[i] as number), 0),
    };
    const got = armMoments('ratio', sums);
    const mm = sums.sum / n;
    const md = sums.denominator_sum / n;
    const cov = (i: number[], j: number[]) => {
      const mi = i.reduce((s, x) => s + x, 0) / n;
      const mj = j.reduce((s, x) => s + x, 0) / n;
      return i.reduce((s, x, k) => s + (x - mi) * ((j[k] as number) - mj), 0) / (n - 1);
    };
    // gradient of f(mm, md) = mm/md, by central differences
    const h = 1e-6;
    const gm = ((mm + h) / md - (mm - h) / md) / (2 * h);
    const gd = (mm / (md + h) - mm / (md - h)) / (2 * h);
    const expected = gm * gm * cov(m, m) + 2 * gm * gd * cov(m, d) + gd * gd * cov(d, d);
    expect(got.mean).toBeCloseTo(mm / md, 12);
    expect(got.variance).toBeCloseTo(expected, 6);
  });
});

describe('relative effect', () => {
  it('uses the SPEC variance varB/(nB·μA²) + varA·μB²/(nA·μA⁴) and divides by |μA|', () => {
    const a = { n: 400, mean: -2, variance: 9 };
    const b = { n: 500, mean: -1.5, variance: 16 };
    const out = estimateEffect(plainArm(a), plainArm(b), true);
    if (!out.ok) throw new Error(out.error);
    expect(out.effect.estimate).toBeCloseTo(0.25, 12);
    expect(out.effect.variance).toBeCloseTo(16 / (500 * 4) + (9 * 2.25) / (400 * 16), 12);
  });

  it('reports an error, not a number, when the control mean is 0', () => {
    const c = compareArms({ n: 10, sum: 0, sum_squares: 5 }, { n: 10, sum: 3, sum_squares: 5 }, { metric: 'mean', method: 'frequentist', relative: true, alpha: 0.05 });
    expect(c.error).toMatch(/control mean is 0/);
    expect(c.expected).toBeNull();
  });
});

describe("GrowthBook gbstats: relative CUPED (frequentist_variance_relative_cuped)", () => {
  // Control n 3001, Σy 300, Σy² 600, Σx 210, Σx² 415, Σxy −20; treatment n 3000, 222, 555, 120, 405, −10.
  const control = { n: 3001, sum: 300, sum_squares: 600, covariate_sum: 210, covariate_sum_squares: 415, main_covariate_sum_product: -20 };
  const treatment = { n: 3000, sum: 222, sum_squares: 555, covariate_sum: 120, covariate_sum_squares: 405, main_covariate_sum_product: -10 };
  const out = analyzeVariants({ metric: 'mean', method: 'frequentist', relative: true, alpha: 0.05, variants: [control, treatment] });
  const r = out.results[0]!;

  it('matches the reference engine: p 0.003733, CI [−0.47207, −0.09135]', () => {
    expect(Math.abs((r.p_value as number) - 0.003733)).toBeLessThan(5e-7);
    expect(Math.abs(r.ci![0] - -0.47207)).toBeLessThan(5e-6);
    expect(Math.abs(r.ci![1] - -0.09135)).toBeLessThan(5e-6);
  });

  it("equals gbstats' formula written out from the raw sums (second route)", () => {
    const v = (n: number, s: number, ss: number) => (ss - (s * s) / n) / (n - 1);
    const cov = (n: number, sx: number, sy: number, sxy: number) => (sxy - (sx * sy) / n) / (n - 1);
    const n = control.n + treatment.n;
    const theta =
      cov(n, control.covariate_sum + treatment.covariate_sum, control.sum + treatment.sum, control.main_covariate_sum_product + treatment.main_covariate_sum_product) /
      v(n, control.covariate_sum + treatment.covariate_sum, control.covariate_sum_squares + treatment.covariate_sum_squares);
    const arm = (a: typeof control) => ({
      n: a.n, y: a.sum / a.n, x: a.covariate_sum / a.n,
      vy: v(a.n, a.sum, a.sum_squares), vx: v(a.n, a.covariate_sum, a.covariate_sum_squares),
      cxy: cov(a.n, a.covariate_sum, a.sum, a.main_covariate_sum_product),
    });
    const A = arm(control);
    const B = arm(treatment);
    const vTrt = (B.vy + theta ** 2 * B.vx - 2 * theta * B.cxy) / (B.n * A.y ** 2);
    const k = -B.y;
    const vCtrl = ((A.vy * k ** 2) / A.y ** 2 + (2 * theta * A.cxy * k) / A.y + theta ** 2 * A.vx) / (A.n * A.y ** 2);
    const lift = (B.y - theta * B.x - (A.y - theta * A.x)) / A.y;
    expect(r.expected as number).toBeCloseTo(lift, 12);
    const c = compareArms(control, treatment, { metric: 'mean', method: 'frequentist', relative: true, alpha: 0.05 });
    expect(c.effect!.variance).toBeCloseTo(vTrt + vCtrl, 14);
  });
});

describe('inconsistent sums', () => {
  it('refuses a sum of squares below sum²/n, naming the variant and field', () => {
    const good = { n: 4, sum: 10, sum_squares: 30 };
    const input = (v: object) => ({ metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05, variants: [good, v] }) as Parameters<typeof analyzeVariants>[0];
    expect(() => analyzeVariants(input({ n: 4, sum: 10, sum_squares: 20 }))).toThrow(/^variants\[1\]\.sum_squares is 20 but must be at least sum²\/n = 25/);
    expect(() => analyzeVariants(input({ ...good, covariate_sum: 4, covariate_sum_squares: 3, main_covariate_sum_product: 0 }))).toThrow(/variants\[1\]\.covariate_sum_squares/);
  });

  it('accepts a shortfall that is rounding (relative 1e-9) and a zero-variance arm', () => {
    const exact = { n: 3, sum: 0.3, sum_squares: 0.03 };
    const rounded = { ...exact, sum_squares: 0.03 * (1 - 5e-10) };
    expect(() => analyzeVariants({ metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05, variants: [exact, rounded] })).not.toThrow();
    const beyond = { ...exact, sum_squares: 0.03 * (1 - 2e-9) };
    expect(() => analyzeVariants({ metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05, variants: [exact, beyond] })).toThrow(/variants\[1\]\.sum_squares/);
  });
});
