import { keysByValue } from '../auth/index.ts';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { cors, PREFLIGHT_MAX_AGE_SECONDS } from './index.ts';
import type { CollectorEnv } from '../../types.ts';

const ACME = { key: 'k_acme_001', retailer: 'acme', origins: ['https://shop.acme.com'] };
const OPEN = { key: 'k_open_01', retailer: 'open', origins: [] };
const keys = keysByValue([ACME]);
const app = new Hono<CollectorEnv>();
app.use('/e', cors(keys));
app.post('/e', (c) => c.json({ ok: true }, 400));

describe('cors', () => {
  it('answers preflights with the allowed methods and headers, echoing the origin', async () => {
    const res = await app.request('/e', { method: 'OPTIONS', headers: { origin: 'https://shop.acme.com' } });
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'access-control-allow-origin': 'https://shop.acme.com',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, x-write-key, content-encoding',
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
    });
    expect((await app.request('/e?key=k_acme_001', { method: 'OPTIONS', headers: { origin: 'https://shop.acme.com' } })).status).toBe(204);
    expect((await app.request('/e?key=k_acme_001', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } })).status).toBe(403);
  });

  it('refuses a preflight from an origin no key allows, without any Access-Control-Allow-* header', async () => {
    for (const url of ['/e', '/e?key=k_acme_001', '/e?key=unknown']) {
      const res = await app.request(url, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
      expect(res.status).toBe(403);
      expect(allowHeaders(res)).toEqual([]);
      expect(((await res.json()) as { error: string }).error).toContain('origin http://evil.example is not allowed');
    }
  });

  it('judges a preflight by its ?key=, else by whether some key allows the origin (a key without origins allows all)', async () => {
    const mixed = new Hono<CollectorEnv>();
    mixed.use('/e', cors(keysByValue([ACME, OPEN])));
    const preflight = (url: string) => mixed.request(url, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    expect((await preflight('/e')).headers.get('access-control-allow-origin')).toBe('http://evil.example');
    expect((await preflight('/e?key=k_open_01')).status).toBe(204);
    const byRestrictedKey = await preflight('/e?key=k_acme_001');
    expect(byRestrictedKey.status).toBe(403);
    expect(allowHeaders(byRestrictedKey)).toEqual([]);
  });

  it('never sends Access-Control-Allow-Origin to a disallowed origin on other responses', async () => {
    for (const headers of [{ origin: 'http://evil.example' } as Record<string, string>, { origin: 'http://evil.example', 'x-write-key': 'k_acme_001' }]) {
      const res = await app.request('/e', { method: 'POST', headers });
      expect(res.status).toBe(400);
      expect(allowHeaders(res)).toEqual([]);
    }
  });

  it('answers a preflight without Origin (not a CORS request) with no Access-Control-Allow-Origin, never *', async () => {
    for (const url of ['/e', '/e?key=k_acme_001']) {
      const res = await app.request(url, { method: 'OPTIONS' });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    }
  });

  it('judges by ?key= when the x-write-key header is present but empty', async () => {
    const mixed = new Hono<CollectorEnv>();
    mixed.use('/e', cors(keysByValue([ACME, OPEN])));
    const res = await mixed.request('/e?key=k_acme_001', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'x-write-key': '' } });
    expect(res.status).toBe(403);
  });

  it('lets the page read error responses too', async () => {
    const res = await app.request('/e', { method: 'POST', headers: { origin: 'https://shop.acme.com' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.acme.com');
    expect(res.headers.get('vary')).toContain('Origin');
    expect((await app.request('/e', { method: 'POST' })).headers.get('access-control-allow-origin')).toBeNull();
  });
});

function allowHeaders(res: Response): string[] {
  return [...res.headers.keys()].filter((name) => name.startsWith('access-control-allow-'));
}
