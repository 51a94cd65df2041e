/**
 * The demo's viewer page and the dashboard's Live view in Debian's Chromium
 * against one real server (startServer with the live part, the viewer and
 * the dashboard mounted; embedded kinesalite; ffmpeg writing the stream
 * with ID3 product cues): the page plays (video time advances), the stream's
 * timed metadata shows a product card, Buy sends click_to_buy and places an
 * order in the lake, chat is counted, the viewer's own session is in
 * /api/v1/live/snapshot within a few seconds; the Live view shows the
 * snapshot's numbers and redraws from the SSE without a reload. No CSP
 * violation on either page. Screenshots at desktop and phone width go to
 * test-output/viewer/ (gitignored). One browser, one server, one load of each page.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../collector/log.ts';
import { createDashboard } from '../../dashboard/mount.ts';
import { fmt, type Cell } from '../../dashboard/client/ui.ts';
import { createLive } from '../../live/mount.ts';
import { startServer, type ServerHandle } from '../../server/start-server.ts';
import { createViewer } from '../../viewer/mount.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium.ts';

const SHOTS_DIR = join(import.meta.dirname, '..', '..', 'test-output', 'viewer');
const WIDTHS = { desktop: { width: 1366, height: 860 }, phone: { width: 390, height: 844 } } as const;
/** Longest wait for one expected outcome (ms), on a loaded machine. */
const WAIT_MS = 25_000;
/** The freshness the page promises a person: their click in the live snapshot within this long (ms). */
const FRESH_MS = 10_000;
const ADMIN = 'viewer-test-admin-token-01';
const KEY = 'k_viewer_test_01';
const RETAILER = 'northwind';
const SHOW = 'live-viewer-test';

type Row = Record<string, Cell>;
interface Snapshot { at: number; groups: Row[]; shows: Row[] }

/** The Live view's columns (dashboard/client/views/live.ts): label → field and format. */
const LIVE_COLUMNS: Array<[string, (r: Row) => string]> = [
  ['Viewers', (r) => fmt.int(r.concurrent_viewers!)],
  ['Sessions', (r) => fmt.int(r.sessions!)],
  ['Startup p50', (r) => fmt.ms(r.startup_p50_ms!)],
  ['Startup p95', (r) => fmt.ms(r.startup_p95_ms!)],
  ['Rebuffer', (r) => fmt.pct100(r.rebuffer_pct!)],
  ['Latency p50', (r) => fmt.ms(r.latency_p50_ms!)],
  ['Latency p95', (r) => fmt.ms(r.latency_p95_ms!)],
  ['Failures', (r) => fmt.pct100(r.playback_failure_pct!)],
  ['Exits before start', (r) => fmt.pct100(r.ebvs_pct!)],
  ['Events/s', (r) => fmt.num(r.events_per_s!)],
  ['Clicks', (r) => fmt.int(r.clicks!)],
  ['Chat', (r) => fmt.int(r.chat_messages!)],
];

let dataDir: string;
let server: ServerHandle;
let browser: Browser;
let viewerPage: Page;
let cards: Array<{ name: string }> = [];
const violations: string[] = [];
/**
 * The player asks Amazon for a device configuration and sends telemetry
 * (*.live-video.net); the page's CSP (connect-src 'self') blocks both, which
 * is intended: nothing leaves for another origin and playback needs neither.
 * Any other violation fails the test.
 */
const unexpectedViolations = () => violations.filter((v) => !/^CSP violation: connect-src https:\/\/[a-z0-9.-]+\.live-video\.net\//.test(v));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, waitMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${waitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function snapshot(): Promise<Snapshot> {
  const res = await fetch(`${server.url}/api/v1/live/snapshot`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Snapshot;
}

async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  // Every CSP violation of the page, its workers included, is recorded and fails the test.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (m) => {
    if (process.env.VIEWER_DEBUG) process.stderr.write(`[page] ${m.type()} ${m.text()}\n`);
    if (m.text().startsWith('CSP violation')) violations.push(m.text());
  });
  page.on('pageerror', (err) => violations.push(`page error: ${err.message}`));
  return page;
}


beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'livelens-viewer-'));
  const log = createLogger('silent');
  const dashboard = createDashboard({ dataDir, dashboardTokens: `${ADMIN}=admin`, writeKeys: `${KEY}@${RETAILER}` });
  const live = createLive({
    settings: {
      liveWindowS: 300, alertWebhook: undefined, alertRules: 'latency_p95_ms>8000', alertMinViewers: 20, alertCooldownS: 600,
      cloudwatchNamespace: undefined, cloudwatchIntervalS: 60, awsRegion: undefined,
    },
    access: dashboard.access,
    log,
    logAlerts: false,
  });
  const v = createViewer({
    dataDir, writeKey: KEY, retailerId: RETAILER, showId: SHOW, creatorId: 'cr-live', log,
    cardS: 8, gapS: 2, heartbeatIntervalMs: 2_000, flushIntervalMs: 1_000,
  });
  if (!v.available) throw new Error(`the viewer page is not available here: ${v.reason}`);
  cards = v.shop()!.config.cards;
  [server, browser] = await Promise.all([
    startServer({
      dataDir, port: 0, writeKeys: `${KEY}@${RETAILER}`, log,
      routes: [live.routes, v.routes, dashboard.routes], services: [dashboard.service, ...live.services, v.service], metrics: live.metrics,
    }),
    chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS }),
  ]);
  mkdirSync(SHOTS_DIR, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the demo viewer page in Chromium', () => {
  it('plays, shows the stream\'s product card, Buy clicks and orders, chat counts; the session is in the live snapshot', async () => {
    viewerPage = await newPage(WIDTHS.desktop);
    await viewerPage.goto(`${server.url}/viewer`);
    const time = () => viewerPage.evaluate(() => document.querySelector('video')!.currentTime);
    const t0 = await until('video playback', async () => ((await time()) > 0 ? time() : undefined));
    await until('video time to advance by 1 s', async () => (await time()) > t0 + 1);

    // The card comes from the ID3 timed metadata in the segments (TEXT_METADATA_CUE), not from a timer in the page.
    await viewerPage.locator('#card').waitFor({ state: 'visible', timeout: WAIT_MS });
    const name = await viewerPage.locator('#card-name').textContent();
    expect(cards.map((c) => c.name)).toContain(name);
    expect(await viewerPage.locator('#card-price').textContent()).toMatch(/\d/);
    await viewerPage.screenshot({ path: join(SHOTS_DIR, 'viewer-desktop.png') });

    await viewerPage.getByRole('button', { name: 'Buy' }).click();
    const clickedAt = Date.now();
    await expect.poll(() => viewerPage.locator('#toast').textContent(), { timeout: WAIT_MS }).toContain('Order placed');
    const ordersDir = join(dataDir, 'lake', 'orders');
    expect(existsSync(ordersDir) && readdirSync(ordersDir).length).toBeGreaterThan(0);

    await viewerPage.getByLabel('Message').fill('Love the colour!');
    await viewerPage.getByRole('button', { name: 'Send' }).click();
    expect(await viewerPage.locator('#messages').textContent()).toContain('Love the colour!');

    const snap = await until('the viewer\'s session, click and chat in the live snapshot', async () => {
      const s = await snapshot();
      const show = s.shows.find((r) => r.retailer_id === RETAILER && r.show_id === SHOW);
      const group = s.groups.find((r) => r.retailer_id === RETAILER && r.region === 'unknown');
      return show && group && Number(show.clicks) >= 1 && Number(show.chat_messages) >= 1 && Number(group.concurrent_viewers) >= 1 ? { show, group } : undefined;
    }, FRESH_MS);
    expect(Date.now() - clickedAt).toBeLessThan(FRESH_MS);
    expect(snap.show).toMatchObject({ concurrent_viewers: 1, sessions: 1, clicks: 1, chat_messages: 1 });
    expect(Number(snap.show.startup_p50_ms)).toBeGreaterThan(0);

    await viewerPage.setViewportSize(WIDTHS.phone);
    await viewerPage.screenshot({ path: join(SHOTS_DIR, 'viewer-phone.png') });
    expect(unexpectedViolations()).toEqual([]);
  }, 90_000);

  it('the Live view shows the snapshot\'s numbers and redraws from the SSE', async () => {
    // The viewer leaves, so the figures stop moving and can be compared with the page's.
    await viewerPage.context().close();
    let last = JSON.stringify((await snapshot()).shows);
    await until('the live figures to settle', async () => {
      await new Promise((r) => setTimeout(r, 1_500));
      const now = JSON.stringify((await snapshot()).shows);
      const settled = now === last;
      last = now;
      return settled;
    });
    const page = await newPage(WIDTHS.desktop);
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.goto(`${server.url}/v/live`);
    await page.waitForSelector('body[data-ready=true]', { timeout: WAIT_MS });
    const table = (title: string) => page.locator('section.card', { has: page.getByRole('heading', { name: title, exact: true }) });
    const cellsOf = async (title: string) =>
      table(title).locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const cells = () => cellsOf('Running shows');
    for (const title of ['Regions', 'Running shows']) {
      const headers = await table(title).locator('thead th').allTextContents();
      expect(headers.slice(2, 2 + LIVE_COLUMNS.length)).toEqual(LIVE_COLUMNS.map(([label]) => label));
    }
    // The page redraws from each SSE snapshot; the figures can still change once (the viewer's last heartbeat
    // leaving the 30 s concurrency window), so the page and a fresh snapshot are compared until they agree.
    const mismatch = async (): Promise<string> => {
      const s = await snapshot();
      for (const [title, rows, key] of [['Regions', s.groups, 'region'], ['Running shows', s.shows, 'show_id']] as const) {
        const expected = JSON.stringify(rows.map((r) => [String(r.retailer_id), String(r[key]), ...LIVE_COLUMNS.map(([, f]) => f(r))]));
        const shown = JSON.stringify((await cellsOf(title)).map((c) => c.slice(0, 2 + LIVE_COLUMNS.length)));
        if (shown !== expected) return `${title}: page ${shown} ≠ snapshot ${expected}`;
      }
      return 'equal';
    };
    await expect.poll(mismatch, { timeout: WAIT_MS, interval: 500 }).toBe('equal');
    // The snapshot's time in UTC, as every time on the dashboard.
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: WAIT_MS }).toMatch(/^Snapshot at \d{2}:\d{2}:\d{2} UTC · figures over the last 300 s/);
    expect((await cells()).length).toBeGreaterThan(0);
    // The sparklines of the show's row: /api/v1/live/history has points every 10 s since the viewer came; once it has
    // two, the page draws both lines (uPlot canvases), the last 30 minutes of concurrent viewers and latency p95.
    await until('two history points of the show', async () => {
      const h = (await (await fetch(`${server.url}/api/v1/live/history`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { shows: Array<{ show_id: string; points: unknown[] }> };
      return (h.shows.find((x) => x.show_id === SHOW)?.points.length ?? 0) >= 2;
    });
    const showRow = table('Running shows').locator('tbody tr', { hasText: SHOW });
    for (const name of ['concurrent viewers, last 30 minutes', 'latency p95, last 30 minutes']) {
      await expect.poll(() => showRow.getByRole('img', { name }).locator('canvas').count(), { timeout: WAIT_MS }).toBeGreaterThan(0);
    }
    await page.screenshot({ path: join(SHOTS_DIR, 'live-desktop.png'), fullPage: true });

    // A chat message POSTed to the collector reaches the open page through the SSE, without a reload.
    const chatColumn = 2 + LIVE_COLUMNS.findIndex(([label]) => label === 'Chat');
    const before = Number((await cells())[0]![chatColumn]);
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': KEY },
      body: JSON.stringify({ sent_at: Date.now(), events: [{
        event_id: 'ev_viewer_sse_chat_1', type: 'chat_message', ts: Date.now(), viewer_id: 'v_sse', session_id: 's_sse', show_id: SHOW, creator_id: 'cr-live', props: { length: 5 },
      }] }),
    });
    expect(res.status).toBe(200);
    await expect.poll(async () => Number((await cells())[0]![chatColumn]), { timeout: WAIT_MS }).toBe(before + 1);

    await page.setViewportSize(WIDTHS.phone);
    await page.screenshot({ path: join(SHOTS_DIR, 'live-phone.png'), fullPage: true });
    expect(unexpectedViolations()).toEqual([]);
    await page.context().close();
  }, 90_000);
});
