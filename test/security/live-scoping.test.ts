/**
 * Live routes' scoping through a running server (docs/spec.md §8): a
 * retailer token on `/api/v1/live` (SSE), `/api/v1/live/snapshot` and
 * `/api/v1/live/history` sees only its retailer's groups and shows;
 * `retailer=` another id is 403; no credential, a bad token or a write key
 * is 401 on each, and none of those answers names another retailer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../collector/log.ts';
import { createDashboard } from '../../dashboard/mount.ts';
import { createLive, type Live } from '../../live/mount.ts';
import { HISTORY_STEP_MS } from '../../live/history.ts';
import { liveEvents } from '../../live/testing/events.ts';
import { startServer, type ServerHandle } from '../../server/start-server.ts';

const ADMIN = 's3cret-admin-token-1';
const ACME = 'acme-token-000000001';
const WRITE_KEY = 'k_acme_0001';
const KEYS = `${WRITE_KEY}@acme,k_globex_001@globex`;
const PATHS = ['/api/v1/live', '/api/v1/live/snapshot', '/api/v1/live/history'];

interface Row { retailer_id: string; show_id?: string }
interface Scoped { groups: Row[]; shows?: Row[] }

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-live-scope-'));
let server: ServerHandle;
let live: Live;
/** The live view's clock: moved one history step after the events so history records them. */
let clock = Date.now();
beforeAll(async () => {
  const log = createLogger('silent');
  const dashboard = createDashboard({ dataDir, dashboardTokens: `${ADMIN}=admin,${ACME}=retailer:acme`, writeKeys: KEYS });
  live = createLive({
    settings: {
      liveWindowS: 300, alertWebhook: undefined, alertRules: 'latency_p95_ms>8000', alertMinViewers: 2, alertCooldownS: 600,
      cloudwatchNamespace: undefined, cloudwatchIntervalS: 60, awsRegion: undefined,
    },
    access: dashboard.access,
    log,
    logAlerts: false,
    view: { now: () => clock },
  });
  server = await startServer({ dataDir, host: '127.0.0.1', port: 0, writeKeys: KEYS, routes: [live.routes, dashboard.routes], services: [...live.services, dashboard.service], log });
  // Straight into the live view's aggregator: what the stream reader would add.
  const ev = liveEvents('scope');
  const now = clock;
  live.view.aggregator.add(ev.heartbeat({ at: now - 2_000, retailer: 'acme', region: 'BR', show: 'show-acme', viewer: 'a1' }));
  live.view.aggregator.add(ev.heartbeat({ at: now - 1_500, retailer: 'globex', region: 'US', show: 'show-globex', viewer: 'g1' }));
  live.view.aggregator.add(ev.heartbeat({ at: now - 1_000, retailer: 'initech', region: 'DE', show: 'show-initech', viewer: 'i1' }));
  clock += HISTORY_STEP_MS + 1;
  live.view.refresh();
}, 30_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, signal?: AbortSignal) => fetch(`${server.url}${path}`, { headers, signal });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The first `event: snapshot` of the SSE stream, parsed. */
async function firstSseSnapshot(headers: Record<string, string>): Promise<Scoped> {
  const ac = new AbortController();
  const res = await get('/api/v1/live', headers, ac.signal);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!/event: snapshot\ndata: .*\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  ac.abort();
  return JSON.parse(/event: snapshot\ndata: (.*)\n/.exec(text)![1]!) as Scoped;
}

const retailers = (s: Scoped) => [...new Set([...s.groups, ...(s.shows ?? [])].map((r) => r.retailer_id))].sort();

describe('live routes: a retailer token sees only its own retailer', () => {
  it('admin sees all three retailers (the data is there to leak)', async () => {
    const all = (await (await get('/api/v1/live/snapshot', bearer(ADMIN))).json()) as Scoped;
    expect(retailers(all)).toEqual(['acme', 'globex', 'initech']);
    expect(retailers(await firstSseSnapshot(bearer(ADMIN)))).toEqual(['acme', 'globex', 'initech']);
  });

  it('snapshot, history and SSE for a retailer token: only acme groups and shows, with or without retailer=acme', async () => {
    for (const q of ['', '?retailer=acme']) {
      const snap = (await (await get(`/api/v1/live/snapshot${q}`, bearer(ACME))).json()) as Scoped;
      expect(snap.groups.length).toBeGreaterThan(0);
      expect(retailers(snap)).toEqual(['acme']);
      expect(snap.shows!.map((s) => s.show_id)).toEqual(['show-acme']);
      const history = await (await get(`/api/v1/live/history${q}`, bearer(ACME))).text();
      expect(JSON.parse(history).groups.map((g: Row) => g.retailer_id)).toEqual(['acme']);
      expect(history).not.toMatch(/globex|initech/);
    }
    const sse = await firstSseSnapshot(bearer(ACME));
    expect(retailers(sse)).toEqual(['acme']);
    expect(JSON.stringify(sse)).not.toMatch(/globex|initech/);
  });

  it('retailer= another id (or a list, or odd spellings) is 403 on every live path, naming nothing of the other data', async () => {
    for (const path of PATHS) {
      for (const other of ['globex', 'GLOBEX', 'acme,globex', 'initech', "acme' OR '1'='1"]) {
        const res = await get(`${path}?retailer=${encodeURIComponent(other)}`, bearer(ACME));
        expect(res.status, `${path} retailer=${other}`).toBe(403);
        const body = await res.text();
        expect(body).not.toContain('show-globex');
        expect(body).not.toContain('show-initech');
      }
      // A repeated parameter must not smuggle a second retailer past the check.
      const twice = await get(`${path}?retailer=acme&retailer=globex`, bearer(ACME));
      if (twice.status === 200) {
        const text = path === '/api/v1/live' ? JSON.stringify(await firstSseSnapshot(bearer(ACME))) : await twice.text();
        expect(text).not.toMatch(/globex|initech/);
      } else expect(twice.status).toBe(403);
      if (path === '/api/v1/live') await twice.body?.cancel();
    }
  });

  it('no credential, a wrong token, a write key (as bearer or x-write-key) are 401 on every live path', async () => {
    for (const path of PATHS) {
      for (const headers of [{} as Record<string, string>, bearer('not-a-token-00000000'), bearer(WRITE_KEY), { 'x-write-key': WRITE_KEY }, { cookie: 'livelens_session=forged' }]) {
        const res = await get(path, headers);
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        const body = await res.text();
        expect(body).not.toMatch(/acme|globex|initech/);
      }
    }
    const writeKey = await (await get('/api/v1/live/snapshot', bearer(WRITE_KEY))).json();
    expect(writeKey.error).toContain('write key');
  });
});
