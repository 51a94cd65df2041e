/** Properties that must hold for any data (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareArms, METHODS, type Method } from './analyze.ts';
import { sumsFromMoments } from './test-helpers.ts';

const arm = fc.record({
  n: fc.integer({ min: 5, max: 100_000 }),
  mean: fc.double({ min: 0.5, max: 1000, noNaN: true }),
  sd: fc.double({ min: 0.1, max: 500, noNaN: true }),
});
const method = fc.constantFrom<Method>(...METHODS);

describe('engine properties', () => {
  it('the interval contains the estimate, for every method, absolute and relative', () => {
    fc.assert(
      fc.property(arm, arm, method, fc.boolean(), (a, b, m, relative) => {
        const c = compareArms(sumsFromMoments(a.n, a.mean, a.sd ** 2), sumsFromMoments(b.n, b.mean, b.sd ** 2), {
          metric: 'mean', method: m, relative, alpha: 0.05,
        });
        expect(c.error).toBeNull();
        const [lo, hi] = c.ci as [number, number];
        expect(lo).toBeLessThanOrEqual(c.expected as number);
        expect(hi).toBeGreaterThanOrEqual(c.expected as number);
      }),
    );
  });

  it('swapping the arms flips the sign of the absolute effect and keeps the p-value', () => {
    fc.assert(
      fc.property(arm, arm, fc.constantFrom<Method>('frequentist', 'sequential'), (a, b, m) => {
        const sa = sumsFromMoments(a.n, a.mean, a.sd ** 2);
        const sb = sumsFromMoments(b.n, b.mean, b.sd ** 2);
        const opts = { metric: 'mean', method: m, relative: false, alpha: 0.05 } as const;
        const ab = compareArms(sa, sb, opts);
        const ba = compareArms(sb, sa, opts);
        const scale = Math.max(1, Math.abs(ab.expected as number));
        expect(Math.abs((ab.expected as number) + (ba.expected as number)) / scale).toBeLessThan(1e-9);
        expect(ba.p_value).toBeCloseTo(ab.p_value as number, 9);
        expect(((ba.ci as number[])[0] as number) + ((ab.ci as number[])[1] as number)).toBeCloseTo(0, 6);
      }),
    );
  });

  it('swapping the arms swaps chance to win and the two risks (Bayesian)', () => {
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const sa = sumsFromMoments(a.n, a.mean, a.sd ** 2);
        const sb = sumsFromMoments(b.n, b.mean, b.sd ** 2);
        const opts = { metric: 'mean', method: 'bayesian', relative: false, alpha: 0.05 } as const;
        const ab = compareArms(sa, sb, opts);
        const ba = compareArms(sb, sa, opts);
        expect((ab.chance_to_win as number) + (ba.chance_to_win as number)).toBeCloseTo(1, 9);
        const [r0, r1] = ab.risk as [number, number];
        const [s0, s1] = ba.risk as [number, number];
        const scale = Math.max(1e-9, r0 + r1);
        expect(Math.abs(r0 - s1) / scale).toBeLessThan(1e-6);
        expect(Math.abs(r1 - s0) / scale).toBeLessThan(1e-6);
      }),
    );
  });

  it('p-values fall as the effect grows with the variance fixed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 50_000 }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0.001, max: 5, noNaN: true }),
        fc.constantFrom<Method>('frequentist', 'sequential'),
        (n, sd, small, extra, m) => {
          const control = sumsFromMoments(n, 100, sd ** 2);
          const opts = { metric: 'mean', method: m, relative: false, alpha: 0.05 } as const;
          const near = compareArms(control, sumsFromMoments(n, 100 + small * sd, sd ** 2), opts);
          const far = compareArms(control, sumsFromMoments(n, 100 + (small + extra) * sd, sd ** 2), opts);
          expect(far.p_value as number).toBeLessThanOrEqual((near.p_value as number) + 1e-12);
        },
      ),
    );
  });
});
