import { describe, expect, it } from 'vitest';
import { createIdFactory } from './identity.ts';
import { bucketOf, fnv1a32, pickVariant } from './variant.ts';

describe('variant assignment', () => {
  it('uses FNV-1a 32 (known test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('is stable: the same viewer and experiment always get the same variant', () => {
    const v = pickVariant('viewer-abc', 'exp-1', ['a', 'b', 'c']);
    for (let i = 0; i < 10; i++) expect(pickVariant('viewer-abc', 'exp-1', ['a', 'b', 'c'])).toBe(v);
  });

  it('is uniform over random viewer ids (chi-square, 3 variants, 30,000 viewers)', () => {
    const newId = createIdFactory();
    const counts = new Map<string, number>();
    const n = 30_000;
    for (let i = 0; i < n; i++) {
      const v = pickVariant(newId(), 'exp-uniform', ['a', 'b', 'c']);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - n / 3) ** 2 / (n / 3), 0);
    // 2 degrees of freedom: P(chi2 > 18.42) = 0.0001, so this fails only when the hash is biased.
    expect(chi2).toBeLessThan(18.42);
  });

  it('follows the weights and is independent across experiments', () => {
    const newId = createIdFactory();
    const viewers = Array.from({ length: 20_000 }, newId);
    const share = viewers.filter((v) => pickVariant(v, 'exp-w', ['control', 'treat'], [0.9, 0.1]) === 'treat').length / viewers.length;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
    const both = viewers.filter((v) => bucketOf(v, 'x1') < 0.5 && bucketOf(v, 'x2') < 0.5).length / viewers.length;
    expect(both).toBeGreaterThan(0.23);
    expect(both).toBeLessThan(0.27);
  });

  it('explains bad arguments', () => {
    expect(() => pickVariant('v', 'e', [])).toThrow(/need variants/);
    expect(() => pickVariant('v', 'e', ['a', 'b'], [1])).toThrow(/as many weights.*got \[a,b\], \[1\]/);
    expect(() => pickVariant('v', 'e', ['a', 'b'], [1, -1])).toThrow(/>= 0/);
    expect(() => pickVariant('v', 'e', ['a', 'b'], [0, 0])).toThrow(/sum > 0/);
  });
});
