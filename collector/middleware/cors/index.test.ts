import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { cors, PREFLIGHT_MAX_AGE_SECONDS } from './index.ts';
import type { CollectorEnv } from '../../types.ts';

const keys = new Map([['k_acme_001', { key: 'k_acme_001', retailer: 'acme', origins: ['https://shop.acme.com'] }]]);
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

  it('lets the page read error responses too', async () => {
    const res = await app.request('/e', { method: 'POST', headers: { origin: 'https://shop.acme.com' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.acme.com');
    expect(res.headers.get('vary')).toContain('Origin');
    expect((await app.request('/e', { method: 'POST' })).headers.get('access-control-allow-origin')).toBeNull();
  });
});
