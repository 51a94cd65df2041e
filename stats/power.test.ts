/** Power: the MDE formula of docs/spec.md §4 by hand, its inverse, and a seeded check that the MDE is detected 80% of the time. */
import { describe, expect, it } from 'vitest';
import { compareArms } from './analyze.ts';
import { detectableEffectForUnits, minimumDetectableEffect, powerMultiplier, unitsPerArm } from './power.ts';
import { seededRandom } from './random.ts';
import type { VariantSums } from './sufficient.ts';

// z(0.975) + z(0.8) from published tables.
const Z_SUM = 1.959963985 + 0.841621234;

describe('minimum detectable effect', () => {
  it('is (z₁₋α/₂ + z₀.₈)·√(varA/nA + varB/nB)/|μA| (hand-computed)', () => {
    expect(powerMultiplier(0.05, 0.8)).toBeCloseTo(Z_SUM, 8);
    const mde = minimumDetectableEffect({ n: 400, mean: -2, variance: 9 }, { n: 500, mean: -1.5, variance: 16 }, 0.05);
    expect(mde).toBeCloseTo((Z_SUM * Math.sqrt(9 / 400 + 16 / 500)) / 2, 8);
  });

  it('is null when the control mean is 0 or an arm has fewer than 2 units', () => {
    expect(minimumDetectableEffect({ n: 10, mean: 0, variance: 1 }, { n: 10, mean: 1, variance: 1 })).toBeNull();
    expect(minimumDetectableEffect({ n: 1, mean: 1, variance: 1 }, { n: 10, mean: 1, variance: 1 })).toBeNull();
    expect(minimumDetectableEffect({ n: 10, mean: 1, variance: 1 }, { n: 1, mean: 1, variance: 1 })).toBeNull();
  });

  it('12 shows per arm cannot detect a 10% lift; the plan says how many can', () => {
    // per-show conversion 5% with a between-show sd of 2 points
    const variance = 0.02 ** 2;
    expect(detectableEffectForUnits(0.05, variance, 12)!).toBeGreaterThan(0.3);
    const n = unitsPerArm({ baseline: 0.05, variance, relativeEffect: 0.1 });
    expect(n).toBe(Math.ceil((Z_SUM ** 2 * 2 * variance) / 0.005 ** 2));
    expect(detectableEffectForUnits(0.05, variance, n)!).toBeLessThanOrEqual(0.1);
    expect(detectableEffectForUnits(0.05, variance, n - 1)!).toBeGreaterThan(0.1);
  });

  it('refuses plans that have no answer', () => {
    expect(() => unitsPerArm({ baseline: 0, variance: 1, relativeEffect: 0.1 })).toThrow(/baseline must be a finite number other than 0/);
    expect(() => unitsPerArm({ baseline: 1, variance: 1, relativeEffect: 0 })).toThrow(/relative effect/);
    expect(() => unitsPerArm({ baseline: 1, variance: -1, relativeEffect: 0.1 })).toThrow(/variance/);
    expect(() => powerMultiplier(0.05, 1)).toThrow(/power must be between 0 and 1/);
  });

  it('a planted effect of the planned size is detected about 80% of the time (seeded simulation)', () => {
    const rng = seededRandom(4242);
    const baseline = 10;
    const sd = 4;
    const lift = 0.1;
    const n = unitsPerArm({ baseline, variance: sd * sd, relativeEffect: lift });
    const arm = (mean: number): VariantSums => {
      let sum = 0;
      let sumSquares = 0;
      for (let i = 0; i < n; i++) {
        const y = rng.normal(mean, sd);
        sum += y;
        sumSquares += y * y;
      }
      return { n, sum, sum_squares: sumSquares };
    };
    const experiments = 1000;
    let detected = 0;
    for (let e = 0; e < experiments; e++) {
      const c = compareArms(arm(baseline), arm(baseline * (1 + lift)), { metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05 });
      if ((c.p_value as number) < 0.05) detected++;
    }
    expect(detected / experiments).toBeGreaterThan(0.76);
    expect(detected / experiments).toBeLessThan(0.84);
  });
});
