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

/** Binomial(n, p) by inversion: O(n·p) uniforms, fast for the small rates of conversion. */
function binomial(rng: SeededRandom, n: number, p: number): number {
  const q = 1 - p;
  const ratio = p / q;
  let probability = q ** n;
  let cumulative = probability;
  const u = rng.uniform();
  let k = 0;
  while (u > cumulative && k < n) {
    probability *= (ratio * (n - k)) / (k + 1);
    cumulative += probability;
    k++;
  }
  return k;
}

/** Shows per arm, audience range and the show-to-show spread of the show-level A/A simulation. */
const SHOW_AA = { shows: 40, minViewers: 50, maxViewers: 400, conversion: 0.05, logSd: 0.4 } as const;

/**
 * One show-level A/A test: shows randomized to two identical arms; each
 * show has its own audience size and conversion rate (host, products,
 * evening), its viewers convert independently at that rate. Returns
 * whether the show-level analysis (ratio over shows, n = shows) and the
 * per-viewer analysis (every viewer a unit) call it significant.
 */
function showLevelAA(rng: SeededRandom): { byShow: boolean; byViewer: boolean } {
  const arm = () => {
    const sums = { n: 0, sum: 0, sum_squares: 0, denominator_sum: 0, denominator_sum_squares: 0, main_denominator_sum_product: 0 };
    for (let s = 0; s < SHOW_AA.shows; s++) {
      const viewers = SHOW_AA.minViewers + Math.floor(rng.uniform() * (SHOW_AA.maxViewers - SHOW_AA.minViewers + 1));
      const rate = Math.min(1, SHOW_AA.conversion * Math.exp(rng.normal(-(SHOW_AA.logSd ** 2) / 2, SHOW_AA.logSd)));
      const buyers = binomial(rng, viewers, rate);
      sums.n += 1;
      sums.sum += buyers;
      sums.sum_squares += buyers * buyers;
      sums.denominator_sum += viewers;
      sums.denominator_sum_squares += viewers * viewers;
      sums.main_denominator_sum_product += buyers * viewers;
    }
    return sums;
  };
  const a = arm();
  const b = arm();
  const options = { method: 'frequentist', relative: true, alpha: 0.05 } as const;
  const byShow = compareArms(a, b, { ...options, metric: 'ratio' });
  const perViewer = (x: typeof a): VariantSums => ({ n: x.denominator_sum, sum: x.sum, sum_squares: x.sum });
  const byViewer = compareArms(perViewer(a), perViewer(b), { ...options, metric: 'proportion' });
  return { byShow: (byShow.p_value as number) < 0.05, byViewer: (byViewer.p_value as number) < 0.05 };
}

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

  it('show-level A/A tests: the ratio over shows rejects 3–7%, the per-viewer analysis of the same data far more', () => {
    const rng = seededRandom(20261201);
    let byShow = 0;
    let byViewer = 0;
    for (let i = 0; i < EXPERIMENTS; i++) {
      const r = showLevelAA(rng);
      if (r.byShow) byShow++;
      if (r.byViewer) byViewer++;
    }
    const showRate = byShow / EXPERIMENTS;
    const viewerRate = byViewer / EXPERIMENTS;
    // The comparison this analysis exists for: print both.
    console.log(
      `show-level A/A, ${EXPERIMENTS} tests of ${SHOW_AA.shows} shows per arm (${SHOW_AA.minViewers}-${SHOW_AA.maxViewers} viewers each): ` +
        `false-positive rate by show ${(100 * showRate).toFixed(1)}%, per viewer ${(100 * viewerRate).toFixed(1)}% (nominal 5%)`,
    );
    expect(showRate).toBeGreaterThanOrEqual(0.03);
    expect(showRate).toBeLessThanOrEqual(0.07);
    expect(viewerRate).toBeGreaterThan(0.15);
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
