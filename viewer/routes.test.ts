import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Checkout } from './checkout.ts';
import { CheckoutRefused } from './checkout.ts';
import type { ViewerConfig } from './page/config.ts';
import { MAX_CHECKOUT_BODY_BYTES, VIEWER_CONTENT_SECURITY_POLICY, viewerRoutes, type ViewerShop } from './routes.ts';

const streamDir = mkdtempSync(join(tmpdir(), 'livelens-viewer-routes-'));
mkdirSync(join(streamDir, 'vmain'));
writeFileSync(join(streamDir, 'vmain', 'index.m3u8'), '#EXTM3U\n');
writeFileSync(join(streamDir, 'secret.txt'), 'secret');
afterAll(() => rmSync(streamDir, { recursive: true, force: true }));

const orders: unknown[] = [];
const checkout: Checkout = {
  placed: () => orders.length,
  async order(body) {
    if ((body as { product_id?: string }).product_id !== 'p1') throw new CheckoutRefused('product_id must be one of the cards: p1', 400);
    orders.push(body);
    return { order_id: 'o1', ts: 1, user_id: 'u', click_id: 'click_001', product_id: 'p1', quantity: 1, unit_price: 9, currency: 'USD' };
  },
};
let shop: ViewerShop | undefined;
const app = viewerRoutes({ shop: () => shop, streamDir });
const post = (body: string, headers: Record<string, string> = {}) =>
  app.request('http://viewer.test/viewer/checkout', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('viewer routes', () => {
  it('answer 503 for config and checkout until a write key is bound, then serve them', async () => {
    expect((await app.request('/viewer/config.json')).status).toBe(503);
    expect((await post('{}')).status).toBe(503);
    shop = { config: { writeKey: 'k1', showId: 's1' } as ViewerConfig, checkout };
    const res = await app.request('/viewer/config.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ writeKey: 'k1', showId: 's1' });
    expect(res.headers.get('content-security-policy')).toBe(VIEWER_CONTENT_SECURITY_POLICY);
    expect(VIEWER_CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(VIEWER_CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'/);
  });

  it('serve only the stream\'s own file names, never cached', async () => {
    const ok = await app.request('/viewer/hls/vmain/index.m3u8');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(ok.headers.get('cache-control')).toBe('no-store');
    for (const path of ['/viewer/hls/secret.txt', '/viewer/hls/vmain/seg1.ts', '/viewer/hls/vmain/../secret.txt', '/viewer/hls/vmain%2f..%2fsecret.txt']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });

  it('checkout: cross-site 403, a body over MAX_CHECKOUT_BODY_BYTES 413, not JSON 400, a refused order its status, a good one 200', async () => {
    shop = { config: {} as ViewerConfig, checkout };
    const good = JSON.stringify({ click_id: 'click_001', product_id: 'p1', user_id: 'u' });
    expect((await post(good, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(`{"pad":"${'x'.repeat(MAX_CHECKOUT_BODY_BYTES)}"}`)).status).toBe(413);
    expect((await post('not json')).status).toBe(400);
    const refused = await post(JSON.stringify({ product_id: 'p2' }));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toContain('one of the cards');
    const placed = await post(good, { origin: 'http://viewer.test' });
    expect(placed.status).toBe(200);
    expect(orders).toHaveLength(1);
  });
});
