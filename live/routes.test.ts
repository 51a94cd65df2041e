import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createAccess, parseDashboardTokens } from '../dashboard/access/index.ts';
import { createLiveView } from './live-view.ts';
import { createLiveApp } from './routes.ts';
import { liveEvents } from './testing/events.ts';

const ADMIN = 's3cret-admin-token-1';
const ACME = 'acme-token-000000001';
const NOW = 1_800_000_000_000;

function setup() {
  const access = createAccess({ tokens: parseDashboardTokens(`${ADMIN}=admin,${ACME}=retailer:acme`) });
  const view = createLiveView({ windowS: 300, now: () => NOW });
  const ev = liveEvents('rt');
  view.aggregator.add(ev.heartbeat({ at: NOW - 5_000, retailer: 'acme', region: 'BR', latency: 3_000 }));
  view.aggregator.add(ev.heartbeat({ at: NOW - 4_000, retailer: 'globex', region: 'US', viewer: 'g1' }));
  view.refresh();
  const app = new Hono().route('/', createLiveApp(view, access));
  const get = (path: string, token?: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { app, view, get };
}

describe('live routes', () => {
  it('snapshot: 401 without a credential; admin sees every retailer, a retailer token only its own (403 for another)', async () => {
    const { get } = setup();
    expect((await get('/api/v1/live/snapshot')).status).toBe(401);
    expect((await get('/api/v1/live')).status).toBe(401);
    const all = await (await get('/api/v1/live/snapshot', ADMIN)).json();
    expect(all).toMatchObject({ at: NOW, window_s: 300 });
    expect(all.groups.map((g: { retailer_id: string }) => g.retailer_id)).toEqual(['acme', 'globex']);
    expect(Object.keys(all.groups[0]).sort()).toEqual([
      'chat_messages', 'clicks', 'concurrent_viewers', 'ebvs_pct', 'events_per_s', 'latency_p50_ms', 'latency_p95_ms',
      'playback_failure_pct', 'rebuffer_pct', 'region', 'retailer_id', 'sessions', 'startup_p50_ms', 'startup_p95_ms',
    ]);
    expect(Object.keys(all.shows[0])).toContain('show_id');
    expect(Object.keys(all.shows[0])).not.toContain('region');
    const narrowed = await (await get('/api/v1/live/snapshot?retailer=globex', ADMIN)).json();
    expect(narrowed.groups.map((g: { retailer_id: string }) => g.retailer_id)).toEqual(['globex']);
    const own = await (await get('/api/v1/live/snapshot', ACME)).json();
    expect(own.groups.map((g: { retailer_id: string }) => g.retailer_id)).toEqual(['acme']);
    expect(own.shows.every((g: { retailer_id: string }) => g.retailer_id === 'acme')).toBe(true);
    const other = await get('/api/v1/live/snapshot?retailer=globex', ACME);
    expect(other.status).toBe(403);
    expect((await other.json()).error).toContain('globex');
    const history = await (await get('/api/v1/live/history', ACME)).json();
    expect(history).toMatchObject({ step_s: 10, span_s: 1800 });
    expect(history.groups.map((g: { retailer_id: string }) => g.retailer_id)).toEqual(['acme']);
  });

  it('SSE: event "snapshot" with the scoped JSON on connect, and each new snapshot after', async () => {
    const { get, view } = setup();
    const ac = new AbortController();
    const res = await get('/api/v1/live', ACME, { signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const nextEvent = async () => {
      while (!text.includes('\n\n')) text += decoder.decode((await reader.read()).value);
      const i = text.indexOf('\n\n');
      const block = text.slice(0, i);
      text = text.slice(i + 2);
      return block;
    };
    const first = await nextEvent();
    expect(first.split('\n')[0]).toBe('event: snapshot');
    const data = JSON.parse(first.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    expect(data.groups.map((g: { retailer_id: string }) => g.retailer_id)).toEqual(['acme']);
    view.refresh();
    expect((await nextEvent()).split('\n')[0]).toBe('event: snapshot');
    ac.abort();
    await reader.cancel().catch(() => undefined);
  });

  it('serves the panel page and its assets without a credential, under the dashboard CSP', async () => {
    const { get } = setup();
    const page = await get('/live');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/live/panel.js');
    for (const path of ['/live/panel.js', '/live/uplot.js', '/live/panel.css', '/live/uplot.css']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect((await r.text()).length, path).toBeGreaterThan(100);
    }
  });
});
