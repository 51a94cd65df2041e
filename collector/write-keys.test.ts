import { describe, expect, it } from 'vitest';
import { formatWriteKeys, generateDemoKey, MAX_WRITE_KEY_CHARS, parseWriteKeys } from './write-keys.ts';

describe('parseWriteKeys', () => {
  it('reads key@retailer=origins entries, defaulting the retailer and allowing any origin', () => {
    const keys = parseWriteKeys(' k_acme_001@acme=https://shop.acme.com|http://localhost:3000 , k_plain_02 ');
    expect(keys).toEqual([
      { key: 'k_acme_001', retailer: 'acme', origins: ['https://shop.acme.com', 'http://localhost:3000'] },
      { key: 'k_plain_02', retailer: 'default', origins: [] },
    ]);
    expect(parseWriteKeys(formatWriteKeys(keys))).toEqual(keys);
  });

  it('accepts short keys of the URL-unreserved set, as an outside config may use them', () => {
    expect(parseWriteKeys('k1@r1=http://a.example,k2')).toEqual([
      { key: 'k1', retailer: 'r1', origins: ['http://a.example'] },
      { key: 'k2', retailer: 'default', origins: [] },
    ]);
    expect(parseWriteKeys('a.b~c_d-9')[0]!.key).toBe('a.b~c_d-9');
    expect(parseWriteKeys('x'.repeat(MAX_WRITE_KEY_CHARS))[0]!.key).toHaveLength(MAX_WRITE_KEY_CHARS);
  });

  it.each([
    ['x'.repeat(MAX_WRITE_KEY_CHARS + 1), `the key must be 1 to ${MAX_WRITE_KEY_CHARS} of [A-Za-z0-9_.~-]`],
    ['@acme', 'LIVELENS_WRITE_KEYS entry "@acme": the key must be 1 to'],
    ['k 1@acme', 'the key must be'],
    ['k&1@acme', 'the key must be'],
    ['k+1', 'the key must be'],
    ['k%201', 'the key must be'],
    ['k1@acme@b', 'the retailer must be'],
    ['k1\n@acme', 'entry "k1\\n@acme"'],
    ['k_acme_001@bad retailer', 'the retailer must be 1 to 64'],
    ['k_acme_001@acme=shop.acme.com', 'origin "shop.acme.com" must look like https://host[:port]'],
    ['k_acme_001@acme=https://shop.acme.com/path', 'must look like'],
    ['k_acme_001,k_acme_001@b', 'listed twice'],
    [' , ', 'LIVELENS_WRITE_KEYS has no entries'],
  ])('refuses %j saying %s', (text, message) => {
    expect(() => parseWriteKeys(text)).toThrow(message);
    expect(() => parseWriteKeys(text)).toThrow(/^[^\n]+$/); // one line, fit for `livelens: <message>`
  });

  it('generates a fresh demo key each time', () => {
    const a = generateDemoKey();
    expect(a).toMatchObject({ retailer: 'default', origins: [] });
    expect(parseWriteKeys(a.key)[0]!.key).toBe(a.key);
    expect(generateDemoKey().key).not.toBe(a.key);
  });
});
