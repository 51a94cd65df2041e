/**
 * docs/spec.md §6, black box: `livelens stats --input FILE` against R's Welch t-test on the
 * `sleep` data and against hand-computed delta-method and chi-square values.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jstat from 'jstat';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDir, runCli } from './cli-harness.ts';

const { jStat } = jstat;

// R's datasets::sleep, extra by group.
const SLEEP_GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

interface StatsResult {
  variant: number;
  expected: number;
  ci: [number, number];
  p_value: number | null;
  chance_to_win: number | null;
  risk: [number, number] | null;
}
interface StatsOutput {
  srm_p_value: number;
  results: StatsResult[];
}

function summary(values: number[]): { n: number; sum: number; sum_squares: number } {
  return {
    n: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    sum_squares: values.reduce((a, b) => a + b * b, 0),
  };
}

let dir = '';
let fileCounter = 0;

async function runStats(input: Record<string, unknown>): Promise<StatsOutput> {
  fileCounter += 1;
  const file = join(dir, `input-${fileCounter}.json`);
  await writeFile(file, JSON.stringify(input));
  const result = await runCli(['stats', '--input', file]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as StatsOutput;
}

beforeAll(async () => {
  dir = await makeDataDir();
});
afterAll(async () => {
  await removeDir(dir);
});

describe('livelens stats --input FILE', () => {
  let absolute: StatsOutput;
  let relative: StatsOutput;
  let bayesian: StatsOutput;
  let sequential: StatsOutput;
  let srm: StatsOutput;
  const base = { metric: 'mean', alpha: 0.05, weights: [0.5, 0.5], variants: [summary(SLEEP_GROUP_1), summary(SLEEP_GROUP_2)] };

  beforeAll(async () => {
    [absolute, relative, bayesian, sequential, srm] = await Promise.all([
      runStats({ ...base, method: 'frequentist', relative: false }),
      runStats({ ...base, method: 'frequentist', relative: true }),
      runStats({ ...base, method: 'bayesian', relative: true }),
      runStats({ ...base, method: 'sequential', relative: false }),
      runStats({
        metric: 'proportion',
        method: 'frequentist',
        relative: false,
        alpha: 0.05,
        weights: [0.5, 0.5],
        variants: [{ n: 100, sum: 10, sum_squares: 10 }, { n: 150, sum: 15, sum_squares: 15 }],
      }),
    ]);
  }, 60_000);

  it('matches R t.test(extra ~ group, sleep) in the absolute setting', () => {
    expect(absolute.results).toHaveLength(1);
    const [result] = absolute.results;
    expect(result?.variant).toBe(1);
    expect(result?.expected).toBeCloseTo(2.33 - 0.75, 9);
    // R: 95 percent CI of mean(group1) - mean(group2) is -3.3654832 .. 0.2054832; B - A flips it.
    expect(result?.ci[0]).toBeCloseTo(-0.2054832, 6);
    expect(result?.ci[1]).toBeCloseTo(3.3654832, 6);
    expect(result?.p_value).toBeCloseTo(0.07939, 5);
  });

  it('gives the SPEC delta-method relative effect and its Welch interval', () => {
    const a = summary(SLEEP_GROUP_1);
    const b = summary(SLEEP_GROUP_2);
    const muA = a.sum / a.n;
    const muB = b.sum / b.n;
    const varA = (a.sum_squares - a.sum ** 2 / a.n) / (a.n - 1);
    const varB = (b.sum_squares - b.sum ** 2 / b.n) / (b.n - 1);
    const effect = (muB - muA) / Math.abs(muA);
    const variance = varB / (b.n * muA ** 2) + (varA * muB ** 2) / (a.n * muA ** 4);
    const se = Math.sqrt(variance);
    const [result] = relative.results;
    expect(result?.expected).toBeCloseTo(effect, 9);
    const halfWidth = ((result?.ci[1] ?? 0) - (result?.ci[0] ?? 0)) / 2;
    expect(((result?.ci[1] ?? 0) + (result?.ci[0] ?? 0)) / 2).toBeCloseTo(effect, 6);
    // Critical value between the normal's and the t's at the Welch-Satterthwaite df of the sample variances.
    const df = (varA / a.n + varB / b.n) ** 2 / ((varA / a.n) ** 2 / (a.n - 1) + (varB / b.n) ** 2 / (b.n - 1));
    expect(df).toBeCloseTo(17.776, 3);
    expect(halfWidth / se).toBeCloseTo(jStat.studentt.inv(0.975, df), 6);
    expect(result?.p_value).toBeCloseTo(2 * (1 - jStat.studentt.cdf(effect / se, df)), 6);
  });

  it('Bayesian, flat prior: Gaussian posterior on the relative effect, chance to win and risk', () => {
    const a = summary(SLEEP_GROUP_1);
    const b = summary(SLEEP_GROUP_2);
    const [muA, muB] = [a.sum / a.n, b.sum / b.n];
    const varA = (a.sum_squares - a.sum ** 2 / a.n) / (a.n - 1);
    const varB = (b.sum_squares - b.sum ** 2 / b.n) / (b.n - 1);
    const mean = (muB - muA) / Math.abs(muA);
    const sd = Math.sqrt(varB / (b.n * muA ** 2) + (varA * muB ** 2) / (a.n * muA ** 4));
    // E[max(X, 0)] for X ~ N(mu, sd²): the expected loss of the choice that X measures.
    const expectedPositive = (mu: number): number => mu * jStat.normal.cdf(mu / sd, 0, 1) + sd * Math.exp(-0.5 * (mu / sd) ** 2) / Math.sqrt(2 * Math.PI);
    const [result] = bayesian.results;
    expect(result?.expected).toBeCloseTo(mean, 9);
    expect(result?.chance_to_win).toBeCloseTo(jStat.normal.cdf(mean / sd, 0, 1), 6);
    expect(result?.ci[0]).toBeCloseTo(mean - jStat.normal.inv(0.975, 0, 1) * sd, 6);
    expect(result?.ci[1]).toBeCloseTo(mean + jStat.normal.inv(0.975, 0, 1) * sd, 6);
    // risk: [choosing control, choosing the variant].
    expect(result?.risk?.[0]).toBeCloseTo(expectedPositive(mean), 6);
    expect(result?.risk?.[1]).toBeCloseTo(expectedPositive(-mean), 6);
  });

  it('sequential: the always-valid confidence sequence of the open engines (N* = 5000)', () => {
    const a = summary(SLEEP_GROUP_1);
    const b = summary(SLEEP_GROUP_2);
    const varA = (a.sum_squares - a.sum ** 2 / a.n) / (a.n - 1);
    const varB = (b.sum_squares - b.sum ** 2 / b.n) / (b.n - 1);
    const total = a.n + b.n;
    const alpha = 0.05;
    const rho = Math.sqrt((-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / 5000);
    const s2 = (varA / a.n + varB / b.n) * total;
    const width =
      Math.sqrt(s2) *
      Math.sqrt((2 * (total * rho ** 2 + 1) * Math.log(Math.sqrt(total * rho ** 2 + 1) / alpha)) / (total * rho) ** 2);
    const [seq] = sequential.results;
    expect(seq?.expected).toBeCloseTo(1.58, 9);
    expect(seq?.ci[0]).toBeCloseTo(1.58 - width, 6);
    expect(seq?.ci[1]).toBeCloseTo(1.58 + width, 6);
  });

  it('computes the SRM p-value as a chi-square goodness of fit against the weights', () => {
    // 10 and 10 against 0.5/0.5: no mismatch at all.
    expect(absolute.srm_p_value).toBeCloseTo(1, 9);
    // 100 vs 150 against 125/125: chi2 = 25²/125 × 2 = 10, df 1; R pchisq(10, 1, lower = FALSE) = 0.001565402.
    expect(srm.srm_p_value).toBeCloseTo(0.001565402, 8);
    expect(srm.srm_p_value).toBeCloseTo(1 - jStat.chisquare.cdf(10, 1), 8);
  });

  it('uses p(1-p) for a proportion', () => {
    const [result] = srm.results;
    const pA = 0.1;
    const pB = 0.1;
    expect(result?.expected).toBeCloseTo(pB - pA, 12);
    const se = Math.sqrt((pA * (1 - pA)) / 100 + (pB * (1 - pB)) / 150);
    const halfWidth = ((result?.ci[1] ?? 0) - (result?.ci[0] ?? 0)) / 2;
    expect(halfWidth / se).toBeGreaterThanOrEqual(1.959);
    expect(halfWidth / se).toBeLessThan(1.98);
    expect(result?.p_value).toBeCloseTo(1, 6);
  });

  it('uses the delta method for a ratio metric M/D', async () => {
    const armA = { m: [1, 2, 3, 4, 2], d: [2, 2, 4, 3, 3] };
    const armB = { m: [2, 3, 5, 4, 6], d: [2, 3, 3, 4, 3] };
    const sums = ({ m, d }: { m: number[]; d: number[] }): Record<string, number> => ({
      n: m.length,
      sum: m.reduce((a, b) => a + b, 0),
      sum_squares: m.reduce((a, b) => a + b * b, 0),
      denominator_sum: d.reduce((a, b) => a + b, 0),
      denominator_sum_squares: d.reduce((a, b) => a + b * b, 0),
      main_denominator_sum_product: m.reduce((a, b, i) => a + b * (d[i] ?? 0), 0),
    });
    // Delta method by hand: var(M/D) ≈ varM/μD² − 2·cov·μM/μD³ + varD·μM²/μD⁴, per unit.
    const byHand = ({ m, d }: { m: number[]; d: number[] }): { n: number; ratio: number; variance: number } => {
      const n = m.length;
      const meanM = m.reduce((a, b) => a + b, 0) / n;
      const meanD = d.reduce((a, b) => a + b, 0) / n;
      const varM = m.reduce((a, b) => a + (b - meanM) ** 2, 0) / (n - 1);
      const varD = d.reduce((a, b) => a + (b - meanD) ** 2, 0) / (n - 1);
      const cov = m.reduce((a, b, i) => a + (b - meanM) * ((d[i] ?? 0) - meanD), 0) / (n - 1);
      const variance = varM / meanD ** 2 - (2 * cov * meanM) / meanD ** 3 + (varD * meanM ** 2) / meanD ** 4;
      return { n, ratio: meanM / meanD, variance };
    };
    const output = await runStats({ metric: 'ratio', method: 'frequentist', relative: false, alpha: 0.05, weights: [0.5, 0.5], variants: [sums(armA), sums(armB)] });
    const a = byHand(armA);
    const b = byHand(armB);
    const se = Math.sqrt(a.variance / a.n + b.variance / b.n);
    const df = (a.variance / a.n + b.variance / b.n) ** 2 / ((a.variance / a.n) ** 2 / (a.n - 1) + (b.variance / b.n) ** 2 / (b.n - 1));
    const [result] = output.results;
    expect(result?.expected).toBeCloseTo(b.ratio - a.ratio, 12);
    expect(result?.ci[0]).toBeCloseTo(b.ratio - a.ratio - jStat.studentt.inv(0.975, df) * se, 6);
    expect(result?.p_value).toBeCloseTo(2 * (1 - jStat.studentt.cdf((b.ratio - a.ratio) / se, df)), 6);
  });

  it('adjusts p-values across variants with Holm', async () => {
    const variants = [
      { n: 100, sum: 100, sum_squares: 300 },
      { n: 100, sum: 130, sum_squares: 400 },
      { n: 100, sum: 105, sum_squares: 320 },
    ];
    const input = { metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05, weights: [1 / 3, 1 / 3, 1 / 3], variants };
    const [plain, holm] = await Promise.all([runStats({ ...input, correction: 'none' }), runStats({ ...input, correction: 'holm' })]);
    expect(plain.results.map((r) => r.variant)).toEqual([1, 2]);
    const [p1, p2] = plain.results.map((r) => r.p_value ?? NaN) as [number, number];
    // Holm, two tests: the smaller p × 2, the larger max(itself, the first adjusted).
    const [small, large] = p1 < p2 ? [p1, p2] : [p2, p1];
    const adjusted = [Math.min(1, 2 * small), Math.min(1, Math.max(2 * small, large))];
    const expected = p1 < p2 ? adjusted : [adjusted[1], adjusted[0]];
    expect(holm.results[0]?.p_value).toBeCloseTo(expected[0] ?? NaN, 9);
    expect(holm.results[1]?.p_value).toBeCloseTo(expected[1] ?? NaN, 9);
  });

  it('CUPED with theta pooled over both arms', async () => {
    const arms = [
      { y: [1, 2, 3, 4], x: [1, 1, 3, 3] },
      { y: [3, 3, 5, 6], x: [2, 1, 4, 3] },
    ];
    const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
    const cov = (a: number[], b: number[]): number => {
      const [ma, mb] = [sum(a) / a.length, sum(b) / b.length];
      return a.reduce((t, v, i) => t + (v - ma) * ((b[i] ?? 0) - mb), 0) / (a.length - 1);
    };
    const variants = arms.map(({ y, x }) => ({
      n: y.length,
      sum: sum(y),
      sum_squares: sum(y.map((v) => v * v)),
      covariate_sum: sum(x),
      covariate_sum_squares: sum(x.map((v) => v * v)),
      main_covariate_sum_product: sum(y.map((v, i) => v * (x[i] ?? 0))),
    }));
    const output = await runStats({ metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05, weights: [0.5, 0.5], variants });
    const allY = arms.flatMap((arm) => arm.y);
    const allX = arms.flatMap((arm) => arm.x);
    const theta = cov(allY, allX) / cov(allX, allX);
    const adjusted = arms.map(({ y, x }) => ({
      n: y.length,
      mean: sum(y) / y.length - (theta * sum(x)) / x.length,
      variance: cov(y, y) + theta ** 2 * cov(x, x) - 2 * theta * cov(y, x),
    }));
    const [a, b] = adjusted as [{ n: number; mean: number; variance: number }, { n: number; mean: number; variance: number }];
    const se = Math.sqrt(a.variance / a.n + b.variance / b.n);
    const df = (a.variance / a.n + b.variance / b.n) ** 2 / ((a.variance / a.n) ** 2 / (a.n - 1) + (b.variance / b.n) ** 2 / (b.n - 1));
    const [result] = output.results;
    expect(result?.expected).toBeCloseTo(b.mean - a.mean, 9);
    expect(result?.ci[1]).toBeCloseTo(b.mean - a.mean + jStat.studentt.inv(0.975, df) * se, 6);
    expect(result?.p_value).toBeCloseTo(2 * (1 - jStat.studentt.cdf((b.mean - a.mean) / se, df)), 6);
  });
});
