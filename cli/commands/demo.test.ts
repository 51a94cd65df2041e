import { describe, expect, it } from 'vitest';
import { demoKeys } from './demo.ts';

describe('demoKeys', () => {
  it('uses a configured key for a retailer that has one and generates the others', () => {
    const keys = demoKeys('mine-12345678@lumiere,other-12345678');
    expect(keys.lumiere).toBe('mine-12345678');
    expect(keys.northwind).toMatch(/^demo-northwind-[0-9a-f]{12}$/);
    expect(demoKeys(undefined).northwind).not.toBe(demoKeys(undefined).northwind);
  });
});
