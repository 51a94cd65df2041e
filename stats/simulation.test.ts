/**
 * Seeded simulations: error rates and coverage of the engine as a whole.
 * Units are drawn directly and only their sums kept, so thousands of
 * experiments take well under a second.
 */
import { describe, expect, it } from 'vitest';
import { compareArms, type Method } from './analyze.ts';
import { seededRandom, type SeededRandom } from './random.ts';
import type { VariantSums } from './sufficient.ts';

const EXPERIMENTS = 2000;

function normalArm(rng: SeededRandom, n: number, mean: number, sd: number): VariantSums {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const y = rng.normal(mean, sd);
    sum += y;
    sumSquares += y * y;
  }
  return { n, sum, sum_squares: sumSquares };
}

function addInto(target: VariantSums, more: VariantSums): void {
  target.n += more.n;
  target.sum += more.sum;
  target.sum_squares += more.sum_squares;
}

function significant(a: VariantSums, b: VariantSums, method: Method): boolean {
  const c = compareArms(a, b, { metric: 'mean', method, relative: false, alpha: 0.05 });
  return (c.p_value as number) < 0.05;
}

describe('simulations', () => {
  it('A/A tests at α = 0.05 reject 4–6% of the time (mean and proportion metrics)', () => {
    const rng = seededRandom(20261128);
    let meanRejections = 0;
    let proportionRejections = 0;
    for (let i = 0; i < EXPERIMENTS; i++) {
      if (significant(normalArm(rng, 200, 10, 3), normalArm(rng, 200, 10, 3), 'frequentist')) meanRejections++;
      const conv = (): VariantSums => {
        let s = 0;
        for (let k = 0; k < 1000; k++) s += rng.bernoulli(0.1);
        return { n: 1000, sum: s, sum_squares: s };
      };
      const c = compareArms(conv(), conv(), { metric: 'proportion', method: 'frequentist', relative: true, alpha: 0.05 });
      if ((c.p_value as number) < 0.05) proportionRejections++;
    }
    expect(meanRejections / EXPERIMENTS).toBeGreaterThanOrEqual(0.04);
    expect(meanRejections / EXPERIMENTS).toBeLessThanOrEqual(0.06);
    expect(proportionRejections / EXPERIMENTS).toBeGreaterThanOrEqual(0.04);
    expect(proportionRejections / EXPERIMENTS).toBeLessThanOrEqual(0.06);
  });

  it('95% intervals cover a planted 5% relative lift 93–97% of the time', () => {
    const rng = seededRandom(5);
    let covered = 0;
    for (let i = 0; i < EXPERIMENTS; i++) {
      const c = compareArms(normalArm(rng, 500, 10, 3), normalArm(rng, 500, 10.5, 3), {
        metric: 'mean', method: 'frequentist', relative: true, alpha: 0.05,
      });
      const [lo, hi] = c.ci as [number, number];
      if (lo <= 0.05 && 0.05 <= hi) covered++;
    }
    expect(covered / EXPERIMENTS).toBeGreaterThanOrEqual(0.93);
    expect(covered / EXPERIMENTS).toBeLessThanOrEqual(0.97);
  });

  it('daily peeking: the sequential test stays at or under 5% while the fixed test inflates', () => {
    const rng = seededRandom(99);
    const days = 20;
    const experiments = 1000;
    let sequentialFalse = 0;
    let naiveFalse = 0;
    for (let e = 0; e < experiments; e++) {
      const a: VariantSums = { n: 0, sum: 0, sum_squares: 0 };
      const b: VariantSums = { n: 0, sum: 0, sum_squares: 0 };
      let seqHit = false;
      let naiveHit = false;
      for (let d = 0; d < days; d++) {
        addInto(a, normalArm(rng, 100, 10, 3));
        addInto(b, normalArm(rng, 100, 10, 3));
        seqHit ||= significant(a, b, 'sequential');
        naiveHit ||= significant(a, b, 'frequentist');
      }
      if (seqHit) sequentialFalse++;
      if (naiveHit) naiveFalse++;
    }
    expect(sequentialFalse / experiments).toBeLessThanOrEqual(0.05);
    // The danger the sequential test exists for: peeking at a fixed-horizon test.
    expect(naiveFalse / experiments).toBeGreaterThan(0.1);
  });
});
