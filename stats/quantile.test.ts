import { describe, expect, it } from 'vitest';
import { quantileCont } from './quantile.ts';
import { percentileLinear } from './winsorize.ts';

describe('quantileCont (linear interpolation, as DuckDB quantile_cont)', () => {
  it('interpolates at (n − 1)·p of the sorted values, whatever their order', () => {
    expect(quantileCont([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantileCont([10, 0, 20], 0.95)).toBeCloseTo(19, 10);
    expect(quantileCont([7], 0.99)).toBe(7);
    expect(quantileCont([1, 2], 0)).toBe(1);
    expect(quantileCont([1, 2], 1)).toBe(2);
  });

  it('is null for no values, and refuses p outside [0, 1]; percentileLinear refuses no values', () => {
    expect(quantileCont([], 0.5)).toBeNull();
    expect(() => quantileCont([1], 1.5)).toThrow('percentile must be between 0 and 1, got 1.5');
    expect(() => quantileCont([1], Number.NaN)).toThrow(RangeError);
    expect(() => percentileLinear([], 0.5)).toThrow('cannot take a percentile of no values');
  });
});
