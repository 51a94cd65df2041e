import { describe, expect, it } from 'vitest';
import { formatTable } from './summary.ts';

describe('formatTable', () => {
  it('pads every column to its widest cell and rules the header', () => {
    const text = formatTable([{ a: 'x', b: 12345 }, { a: 'longer', b: 1 }], [
      ['A', (r) => r.a],
      ['B', (r) => String(r.b)],
    ]);
    expect(text).toBe('A       B\n------  -----\nx       12345\nlonger  1\n');
  });
});
