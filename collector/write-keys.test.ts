import { describe, expect, it } from 'vitest';
import { formatWriteKeys, generateDemoKey, parseWriteKeys } from './write-keys.ts';

describe('parseWriteKeys', () => {
  it('reads key@retailer=origins entries, defaulting the retailer and allowing any origin', () => {
    const keys = parseWriteKeys(' k_acme_001@acme=https://shop.acme.com|http://localhost:3000 , k_plain_02 ');
    expect(keys).toEqual([
      { key: 'k_acme_001', retailer: 'acme', origins: ['https://shop.acme.com', 'http://localhost:3000'] },
      { key: 'k_plain_02', retailer: 'default', origins: [] },
    ]);
    expect(parseWriteKeys(formatWriteKeys(keys))).toEqual(keys);
  });

  it.each([
    ['short@acme', 'the key must be 8 to 128'],
    ['k_acme_001@bad retailer', 'the retailer must be 1 to 64'],
    ['k_acme_001@acme=shop.acme.com', 'origin "shop.acme.com" must look like https://host[:port]'],
    ['k_acme_001@acme=https://shop.acme.com/path', 'must look like'],
    ['k_acme_001,k_acme_001@b', 'listed twice'],
    [' , ', 'no write keys given'],
  ])('refuses %j saying %s', (text, message) => {
    expect(() => parseWriteKeys(text)).toThrow(message);
  });

  it('generates a fresh demo key each time', () => {
    const a = generateDemoKey();
    expect(a).toMatchObject({ retailer: 'default', origins: [] });
    expect(parseWriteKeys(a.key)[0]!.key).toBe(a.key);
    expect(generateDemoKey().key).not.toBe(a.key);
  });
});
