import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';

describe('createRandom', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = Array.from({ length: 5 }, createRandom(7).next);
    const b = Array.from({ length: 5 }, createRandom(7).next);
    const c = Array.from({ length: 5 }, createRandom(8).next);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('is uniform enough: mean near 1/2 and every decile filled', () => {
    const rng = createRandom(1);
    const deciles = new Array<number>(10).fill(0);
    let sum = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
      deciles[Math.floor(x * 10)]!++;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    for (const d of deciles) expect(Math.abs(d - n / 10)).toBeLessThan(n / 100);
  });

  it('int covers both bounds; weighted follows the weights; logNormal has the median asked for', () => {
    const rng = createRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(1, 3));
    expect([...seen].sort()).toEqual([1, 2, 3]);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) if (rng.weighted(['light', 'heavy'], (x) => (x === 'heavy' ? 3 : 1)) === 'heavy') heavy++;
    expect(heavy / 10_000).toBeCloseTo(0.75, 1);
    const draws = Array.from({ length: 10_001 }, () => rng.logNormal(1500, 0.5)).sort((x, y) => x - y);
    expect(draws[5000]! / 1500).toBeGreaterThan(0.95);
    expect(draws[5000]! / 1500).toBeLessThan(1.05);
  });

  it('forks are independent of how much the parent was used', () => {
    const p1 = createRandom(9);
    const p2 = createRandom(9);
    p2.next();
    p2.next();
    expect(p1.fork('x').next()).toBe(p2.fork('x').next());
    expect(p1.fork('x').next()).not.toBe(p1.fork('y').next());
  });

  it('refuses empty choices with a message that says what is needed', () => {
    expect(() => createRandom(1).pick([])).toThrow(/at least one item/);
    expect(() => createRandom(1).weighted([1], () => 0)).toThrow(/more than 0/);
  });
});
