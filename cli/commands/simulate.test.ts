import { describe, expect, it } from 'vitest';
import { intFlag, retailerKeys } from './simulate.ts';

describe('livelens simulate flags', () => {
  it('maps one write key per simulated retailer and names the missing ones', () => {
    expect(retailerKeys('key-northwind-1@northwind,key-lumiere-1@lumiere,spare-key-123@lumiere')).toEqual({ northwind: 'key-northwind-1', lumiere: 'key-lumiere-1' });
    expect(() => retailerKeys('key-northwind-1@northwind')).toThrow(/missing: lumiere/);
    expect(() => retailerKeys(undefined)).toThrow(/missing: northwind, lumiere/);
  });

  it('refuses sizes that are not whole numbers in range, naming the flag', () => {
    expect(intFlag('viewers', '250', 1)).toBe(250);
    expect(() => intFlag('viewers', '2.5', 1)).toThrow('--viewers must be a whole number of at least 1; got "2.5"');
    expect(() => intFlag('shows', '1', 2, 1000)).toThrow('--shows must be a whole number from 2 to 1000; got "1"');
  });
});
