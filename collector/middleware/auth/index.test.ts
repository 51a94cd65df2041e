import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { keysByValue, writeKeyAuth } from './index.ts';
import type { CollectorEnv } from '../../types.ts';

const keys = keysByValue([
  { key: 'k_acme_001', retailer: 'acme', origins: ['https://shop.acme.com'] },
  { key: 'k_open_002', retailer: 'open', origins: [] },
]);
const app = new Hono<CollectorEnv>().post('/', writeKeyAuth(keys), (c) => c.text(c.get('writeKey').retailer));
const send = (path: string, headers: Record<string, string> = {}) => app.request(path, { method: 'POST', headers });

describe('writeKeyAuth', () => {
  it('finds the key in the header or the query string, the header winning', async () => {
    expect(await (await send('/', { 'x-write-key': 'k_open_002' })).text()).toBe('open');
    expect(await (await send('/?key=k_open_002')).text()).toBe('open');
    expect(await (await send('/?key=k_open_002', { 'x-write-key': 'k_acme_001' })).text()).toBe('acme');
  });

  it('an empty x-write-key header does not hide a valid ?key= (nor does an empty ?key= hide a header)', async () => {
    const res = await send('/?key=k_open_002', { 'x-write-key': '' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('open');
    expect(await (await send('/?key=', { 'x-write-key': 'k_open_002' })).text()).toBe('open');
    expect((await send('/?key=', { 'x-write-key': '' })).status).toBe(401);
  });

  it('401 when missing or unknown, 403 for an origin the key does not allow', async () => {
    expect((await send('/')).status).toBe(401);
    expect((await send('/?key=nope_nope_nope')).status).toBe(401);
    expect((await send('/?key=k_acme_001', { origin: 'https://other.example' })).status).toBe(403);
    expect((await send('/?key=k_acme_001', { origin: 'https://shop.acme.com' })).status).toBe(200);
    expect((await send('/?key=k_open_002', { origin: 'https://other.example' })).status).toBe(200);
  });
});

describe('write key lookup in constant time', () => {
  it('holds digests only, never key text, and finds keys by digest', () => {
    const secret = 'secret_write_key_0001';
    const index = keysByValue([{ key: secret, retailer: 'r1', origins: [] }]);
    expect(index.digests()).toHaveLength(1);
    expect(index.digests()[0]).not.toContain(secret);
    expect(index.digests()[0]).toMatch(/^[A-Za-z0-9+/]{43}=$/); // a SHA-256 digest
    expect(index.get(secret)?.retailer).toBe('r1');
    expect(index.get(secret.slice(0, -1) + '2')).toBeUndefined(); // right up to the last character
    expect(index.get('x' + secret.slice(1))).toBeUndefined(); // wrong from the first
    expect(index.get('')).toBeUndefined();
  });
});
