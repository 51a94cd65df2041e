import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.ts';

describe('Wilson interval', () => {
  it('matches hand computation at 95%', () => {
    const cases: Array<[number, number, number, number]> = [
      [2, 4, 0.150039, 0.849961], [1, 4, 0.045586, 0.699358], [0, 1, 0, 0.793451], [1, 1, 0.206549, 1], [5, 10, 0.236593, 0.763407],
    ];
    for (const [k, n, low, high] of cases) {
      const [l, h] = wilsonInterval(k, n);
      expect(l, `${k}/${n} low`).toBeCloseTo(low, 5);
      expect(h, `${k}/${n} high`).toBeCloseTo(high, 5);
    }
    expect(wilsonInterval(0, 0)).toEqual([null, null]);
    expect(() => wilsonInterval(3, 2)).toThrow(/within 0..trials/);
  });
});
