/**
 * Sending a view's page starts its first API requests (dashboard/page/
 * routes.ts, View.firstRequests): the page's own identical requests are then
 * answered from the result cache, under the caller's scope only; no page
 * without a session starts any.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, parseDashboardTokens, SESSION_COOKIE } from '../../dashboard/access/index.ts';
import { createDashboardApp } from '../../dashboard/app.ts';
import { SharedEngine } from '../../dashboard/api/shared-engine.ts';
import { ResultCache } from '../../dashboard/api/result-cache.ts';
import type { ApiResult } from '../../dashboard/api/routes.ts';
import { requestUrl } from '../../dashboard/client/api.ts';
import { VIEWS } from '../../dashboard/client/views/index.ts';
import { viewPath } from '../../dashboard/page/layout.ts';
import { ADMIN_TOKEN, R1_TOKEN, TOKENS, WRITE_KEY, writeApiFixture } from './api-fixture.ts';

const BASE = 'http://dash.test';
let dataDir: string;
let engine: SharedEngine;

beforeAll(async () => {
  dataDir = await writeApiFixture();
  engine = new SharedEngine({ dataDir });
});
afterAll(async () => {
  await engine?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A dashboard app with its own (empty) result cache. */
function freshApp() {
  const cache = new ResultCache<ApiResult>();
  const app = createDashboardApp({ access: createAccess({ tokens: parseDashboardTokens(TOKENS), writeKeys: [WRITE_KEY] }), dataDir, engine, cache });
  return Object.assign(app, { cache });
}

async function signIn(app: ReturnType<typeof freshApp>, token: string): Promise<string> {
  const res = await app.request(new Request(`${BASE}/api/v1/session`, { method: 'POST', headers: { origin: BASE }, body: JSON.stringify({ token }) }));
  expect(res.status).toBe(200);
  return `${SESSION_COOKIE}=${/livelens_session=([^;]+)/.exec(res.headers.get('set-cookie')!)![1]}`;
}

/** Whether the cache answered `url` for the session `cookie` (the answer read in full). */
async function cached(app: ReturnType<typeof freshApp>, url: string, cookie: string): Promise<string | null> {
  const res = await app.request(new Request(`${BASE}${url}`, { headers: { cookie } }));
  expect(res.status, `${url}: ${await res.clone().text()}`).toBe(200);
  await res.arrayBuffer();
  return res.headers.get('x-livelens-cache');
}

const FILTERS = { region: 'DE' };

describe('a view page starts its first requests', () => {
  const withRequests = VIEWS.filter((v) => v.firstRequests !== undefined);

  it('every report view declares them (the live view reads its stream)', () => {
    expect(withRequests.map((v) => v.id).sort()).toEqual(VIEWS.map((v) => v.id).filter((id) => id !== 'live').sort());
  });

  it.each(withRequests.map((v) => v.id))('%s: the page\'s own requests are cache hits', async (id) => {
    const view = VIEWS.find((v) => v.id === id)!;
    const app = freshApp();
    const cookie = await signIn(app, ADMIN_TOKEN);
    const page = await app.request(new Request(`${BASE}${viewPath(id)}?region=DE`, { headers: { cookie } }));
    expect(page.status).toBe(200);
    const urls = view.firstRequests!(FILTERS).map((r) => requestUrl(FILTERS, r));
    expect(urls.length).toBeGreaterThan(0);
    // Started by the page alone: the first at once, the rest once it answered.
    await expect.poll(() => app.cache.size, { timeout: 10_000 }).toBe(urls.length);
    for (const url of urls) expect(await cached(app, url, cookie), url).toBe('hit');
    // A request the page did not name was not started.
    expect(await cached(app, '/api/v1/reports/audience?region=DE&by=creator', cookie)).toBe('miss');
  });

  it('runs them in the caller\'s scope only: a retailer\'s page fills no other scope\'s cache', async () => {
    const app = freshApp();
    const retailer = await signIn(app, R1_TOKEN);
    const admin = await signIn(app, ADMIN_TOKEN);
    expect((await app.request(new Request(`${BASE}/v/leaderboards`, { headers: { cookie: retailer } }))).status).toBe(200);
    await expect.poll(() => app.cache.size, { timeout: 10_000 }).toBe(3);
    expect(await cached(app, '/api/v1/reports/conversion?by=creator', retailer)).toBe('hit');
    expect(await cached(app, '/api/v1/reports/conversion?by=creator', admin)).toBe('miss');
  });

  it('without a session the sign-in page is sent and nothing is started', async () => {
    const app = freshApp();
    const page = await app.request(new Request(`${BASE}/v/leaderboards`));
    expect(await page.text()).toMatch(/sign-in/i);
    expect(app.cache.size).toBe(0);
    const cookie = await signIn(app, ADMIN_TOKEN);
    expect(await cached(app, '/api/v1/reports/conversion?by=creator', cookie)).toBe('miss');
  });
});
