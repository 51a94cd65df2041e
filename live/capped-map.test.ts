import { describe, expect, it } from 'vitest';
import { CappedMap } from './capped-map.ts';

describe('CappedMap', () => {
  it('evicts the oldest first past its cap, counts it, and treats a re-set key as newest', () => {
    const evicted: string[] = [];
    const m = new CappedMap<string, number>(2, (k) => evicted.push(k));
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3); // a is now newest
    m.set('c', 4);
    expect(evicted).toEqual(['b']);
    expect(m.evicted).toBe(1);
    expect([...m.entries()].sort()).toEqual([['a', 3], ['c', 4]]);
  });

  it('expires from the oldest end while the predicate holds, skipping deleted and re-set keys', () => {
    const m = new CappedMap<string, number>(10);
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) m.set(k, v);
    m.delete('b');
    m.set('a', 5);
    expect(m.expireOldest((v) => v < 4)).toBe(1); // c; then d (4) stops the walk
    expect([...m.entries()]).toEqual([['a', 5], ['d', 4]]);
    expect(() => new CappedMap(0)).toThrow('cap is 0');
  });

  it('stays linear under churn (200,000 evictions well under a second)', () => {
    const m = new CappedMap<number, number>(1_000);
    const started = Date.now();
    for (let i = 0; i < 200_000; i++) m.set(i, i);
    expect(m.size).toBe(1_000);
    expect(m.evicted).toBe(199_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
