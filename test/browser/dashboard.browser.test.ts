/**
 * The dashboard in Debian's Chromium against a real server (startServer
 * with the dashboard mounted, 127.0.0.1, DuckDB over a two-retailer lake):
 * every view shows the API's numbers; filters change them, live in the URL
 * and survive a reload; a CSV download equals the API's CSV; a retailer
 * cannot reach another retailer's shows through the page, the API, Arrow
 * or a cached answer; a screenshot of every view at desktop and phone
 * width goes to test-output/dashboard/ (gitignored). One browser, one
 * server for the whole file.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../collector/log.ts';
import { createDashboard } from '../../dashboard/mount.ts';
import { VIEWS } from '../../dashboard/client/views/index.ts';
import { startServer, type ServerHandle } from '../../server/start-server.ts';
import { ADMIN_TOKEN, R1_TOKEN, R2_TOKEN, TOKENS, writeApiFixture } from '../dashboard/api-fixture.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium.ts';

/** Where the screenshots go (gitignored). */
const SHOTS_DIR = join(import.meta.dirname, '..', '..', 'test-output', 'dashboard');
/** Longest wait for a view to draw (ms), on a loaded machine. */
const VIEW_WAIT_MS = 15_000;
const WIDTHS = { desktop: { width: 1366, height: 900 }, phone: { width: 390, height: 844 } } as const;

let dataDir: string;
let server: ServerHandle;
let browser: Browser;
let dashboard: ReturnType<typeof createDashboard>;

beforeAll(async () => {
  dataDir = await writeApiFixture();
  dashboard = createDashboard({ dataDir, dashboardTokens: TOKENS });
  [server, browser] = await Promise.all([
    startServer({ dataDir, port: 0, routes: [dashboard.routes], services: [dashboard.service], log: createLogger('silent') }),
    chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS }),
  ]);
  mkdirSync(SHOTS_DIR, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function signedIn(token: string, viewport: { width: number; height: number } = WIDTHS.desktop): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.url}/`);
  await page.waitForSelector('body[data-ready=true]', { timeout: VIEW_WAIT_MS });
  return page;
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: VIEW_WAIT_MS });
}

async function api(path: string, token = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

/** The cells of the first table in the section titled `title`. */
async function tableCells(page: Page, title: string): Promise<string[][]> {
  const section = page.locator('section.card', { has: page.getByRole('heading', { name: title, exact: true }) });
  return section.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

type ApiRow = Record<string, number | string | boolean | null>;

async function apiRows(path: string, token = ADMIN_TOKEN): Promise<ApiRow[]> {
  return ((await (await api(path, token)).json()) as { rows: ApiRow[] }).rows;
}

/** The points a chart drew (its `data-points`): x in epoch ms and each series by label. */
async function chartPoints(page: Page, selector: string): Promise<Array<{ x: number[]; series: Record<string, Array<number | null>> }>> {
  return page.locator(selector).evaluateAll((nodes) => nodes.map((n) => JSON.parse((n as HTMLElement).dataset.points ?? '{}')));
}

/** The Overview's charts of one retailer equal the API's over-time rows, point by point (periods without rows drawn as 0 viewers). */
async function expectChartsEqual(page: Page, retailer: string, rows: ApiRow[]): Promise<void> {
  const [audience, conversion, revenue] = await chartPoints(page, `.retailer-charts[data-retailer="${retailer}"] .chart`);
  const mine = rows.filter((r) => r.retailer_id === retailer);
  const currencies = [...new Set(mine.map((r) => r.currency).filter((c) => c !== null))];
  const label = (name: string, cur: ApiRow[string]) => (currencies.length > 1 ? `${name} (${cur})` : name);
  expect(audience!.x.length).toBeGreaterThan(0);
  for (const [i, t] of audience!.x.entries()) {
    const at = mine.filter((r) => r.period_start === t);
    expect(audience!.series.viewers![i], `viewers at ${t}`).toBe(at.length ? at[0]!.viewers : 0);
  }
  for (const r of mine) {
    const i = audience!.x.indexOf(Number(r.period_start));
    expect(i, `period ${r.period_start} is drawn`).toBeGreaterThanOrEqual(0);
    if (r.currency === null) continue;
    expect(audience!.series[label('buyers', r.currency)]![i]).toBe(r.buyers);
    expect(conversion!.series[label('conversion', r.currency)]![i]).toBe(r.conversion_rate);
    expect(conversion!.series[label('95% low', r.currency)]![i]).toBe(r.conversion_rate_ci_low);
    expect(conversion!.series[label('95% high', r.currency)]![i]).toBe(r.conversion_rate_ci_high);
    expect(revenue!.series[`revenue (${r.currency})`]![i]).toBe(r.revenue);
  }
}

describe('dashboard in Chromium', () => {
  it('views show the API numbers; filters change them, stay in the URL and survive a reload; CSV equals the API', async () => {
    const page = await signedIn(ADMIN_TOKEN);
    await open(page, '/v/leaderboards');
    const creators = ((await (await api('/api/v1/reports/conversion?by=creator')).json()) as { rows: Array<Record<string, number | string | null>> }).rows;
    const cells = await tableCells(page, 'Creators');
    expect(cells.map((c) => [c[0], c[1], c[2]])).toEqual(creators.map((r) => [r.retailer_id, r.creator_id, Number(r.viewers).toLocaleString('en-US')]));

    await page.getByLabel('Retailer').fill('r2');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/retailer=r2/);
    await page.waitForSelector('body[data-ready=true]');
    const filtered = async () => (await tableCells(page, 'Creators')).map((c) => c[0]);
    expect(new Set(await filtered())).toEqual(new Set(['r2']));
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    expect(new Set(await filtered())).toEqual(new Set(['r2']));
    expect(await page.getByLabel('Retailer').inputValue()).toBe('r2');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('section.card', { has: page.getByRole('heading', { name: 'Creators', exact: true }) }).getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toBe(await (await api('/api/v1/reports/conversion?by=creator&retailer=r2&format=csv')).text());
    await page.context().close();
  });

  it('a retailer cannot reach another retailer\'s shows through the page, the API, Arrow or the cache', async () => {
    // The admin's answer for r2 is cached first; the retailer's requests must not be served from it.
    expect((await api('/api/v1/reports/timeline?show=s2')).status).toBe(200);
    const page = await signedIn(R1_TOKEN);
    await open(page, '/v/show?show=s2');
    expect(await page.locator('main').textContent()).toContain('No minutes for show s2');
    expect(await page.locator('input[name=retailer]').count()).toBe(0);
    await open(page, '/v/leaderboards?retailer=r2');
    expect(await page.locator('main [role=alert]').first().textContent()).toContain('outside this token');
    const fromPage = await page.evaluate(async () => {
      const a = await fetch('/api/v1/reports/timeline?show=s2&format=arrow');
      const b = await fetch('/api/v1/reports/conversion?by=show&retailer=r2&format=arrow');
      return { timeline: [...new Uint8Array(await a.arrayBuffer())], forbidden: b.status };
    });
    expect(fromPage.forbidden).toBe(403);
    expect(tableFromIPC(new Uint8Array(fromPage.timeline)).numRows).toBe(0);
    const shows = ((await (await api('/api/v1/reports/conversion?by=show', R1_TOKEN)).json()) as { rows: Array<{ show_id: string }> }).rows;
    expect(shows.map((r) => r.show_id)).not.toContain('s2');
    await page.context().close();
  });

  it('an experiment shows each retailer\'s control, split and sample-ratio check as the API reports them', async () => {
    const page = await signedIn(ADMIN_TOKEN);
    await open(page, '/v/experiments?experiment=exp1&retailer=r1');
    const report = (await (await api('/api/v1/experiments/exp1?retailer=r1')).json()) as {
      retailers: Array<{ retailer_id: string; control: string; srm_flagged: boolean; assignments: Array<{ variant: string; viewers: number }> }>;
    };
    const [part] = report.retailers;
    expect(part).toBeDefined();
    const detail = page.locator('section.card', { has: page.getByRole('heading', { name: 'Experiment exp1 · r1', exact: true }) });
    const head = (await detail.locator('.exp-head').first().textContent()) ?? '';
    expect(head).toContain(`control ${part!.control}`);
    expect(head).not.toContain('undefined');
    expect(head).toContain(part!.srm_flagged ? 'Sample ratio mismatch' : 'Sample ratio OK');
    const split = await detail.locator('table').first().locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(split.map((c) => [c[0], c[1]])).toEqual(part!.assignments.map((a) => [a.variant, a.viewers.toLocaleString('en-US')]));
    await page.context().close();
  });

  it('Overview: the totals of the range and every chart point equal the API (per day, and per hour for a short range)', async () => {
    const page = await signedIn(ADMIN_TOKEN);
    const totals = await apiRows('/api/v1/reports/conversion-over-time?by=total');
    expect(new Set(totals.map((r) => r.retailer_id))).toEqual(new Set(['r1', 'r2']));
    for (const r of totals) {
      const card = page.locator(`.retailer-totals[data-retailer="${r.retailer_id}"]`);
      expect(await card.locator('.kpi[data-kpi=viewers]').locator('.kpi-value').textContent()).toBe(Number(r.viewers).toLocaleString('en-US'));
      expect(await card.locator('.kpi[data-kpi=clickers]').locator('.kpi-value').textContent()).toBe(Number(r.clickers).toLocaleString('en-US'));
      const sales = card.locator(`.kpi[data-currency="${r.currency ?? ''}"]`);
      const money = Number(r.revenue).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      expect(await sales.locator('.kpi-value').textContent()).toBe(`${money} ${r.currency}`);
      const pct = (v: unknown) => `${(Number(v) * 100).toFixed(1)}%`;
      expect(await sales.locator('.ibar').getAttribute('aria-label')).toBe(`${pct(r.conversion_rate)} (95% ${pct(r.conversion_rate_ci_low)}–${pct(r.conversion_rate_ci_high)}), small sample`);
      expect(await sales.textContent()).toContain(`${r.buyers} buyer`);
    }
    // The fixture spans three weeks: per day.
    expect(await page.getByRole('heading', { name: 'Over time (per day)' }).count()).toBe(1);
    const daily = await apiRows('/api/v1/reports/conversion-over-time?by=day');
    for (const retailer of ['r1', 'r2']) await expectChartsEqual(page, retailer, daily);
    // One day: per hour.
    await open(page, '/?from=2026-11-01&to=2026-11-02');
    expect(await page.getByRole('heading', { name: 'Over time (per hour)' }).count()).toBe(1);
    const hourly = await apiRows('/api/v1/reports/conversion-over-time?by=hour&from=2026-11-01&to=2026-11-02');
    expect(hourly.length).toBeGreaterThan(1);
    await expectChartsEqual(page, 'r1', hourly);
    await page.context().close();
  });

  it('leaderboards: the watch-minutes column equals the API, sorts, and is in the CSV download', async () => {
    const page = await signedIn(ADMIN_TOKEN);
    await open(page, '/v/leaderboards');
    const one = (v: unknown) => Number(v).toLocaleString('en-US', { maximumFractionDigits: 1 });
    for (const [by, title] of [['creator', 'Creators'], ['show', 'Shows'], ['offer', 'Offers']] as const) {
      const rows = await apiRows(`/api/v1/reports/conversion?by=${by}`);
      expect(rows.some((r) => Number(r.watch_minutes) > 0), `${by} has watch time`).toBe(true);
      const section = page.locator('section.card', { has: page.getByRole('heading', { name: title, exact: true }) });
      const headers = await section.locator('thead th').allTextContents();
      const at = headers.indexOf('Watch minutes');
      const perViewer = headers.indexOf('Min / viewer');
      expect(at).toBeGreaterThan(0);
      expect((await tableCells(page, title)).map((c) => [c[1], c[at], c[perViewer]])).toEqual(rows.map((r) => [r[`${by}_id`], one(r.watch_minutes), one(r.watch_minutes_per_viewer)]));
      // A click sorts by watch minutes, most first.
      await section.locator('thead th').nth(at).click();
      expect(await section.locator('thead th').nth(at).getAttribute('aria-sort')).toBe('descending');
      const sorted = [...rows].sort((a, b) => Number(b.watch_minutes) - Number(a.watch_minutes)).map((r) => one(r.watch_minutes));
      expect((await tableCells(page, title)).map((c) => c[at])).toEqual(sorted);
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('section.card', { has: page.getByRole('heading', { name: 'Offers', exact: true }) }).getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('watch_minutes,watch_minutes_per_viewer');
    expect(csv).toBe(await (await api('/api/v1/reports/conversion?by=offer&format=csv')).text());
    await page.context().close();
  });

  it("experiments: the cumulative lift chart's last point is the experiment report's lift, each point the API's", async () => {
    const page = await signedIn(ADMIN_TOKEN);
    await open(page, '/v/experiments?experiment=exp1&retailer=r1');
    const report = await apiRows('/api/v1/experiments/exp1?retailer=r1');
    // exp1's exposures span an hour: per hour.
    const points = await apiRows('/api/v1/experiments/exp1/cumulative?retailer=r1&by=hour');
    expect(await page.getByRole('heading', { name: 'Cumulative lift by hour of first exposure' }).count()).toBe(1);
    let drawn = 0;
    for (const r of report.filter((row) => row.guardrail !== true && row.relative_lift !== null)) {
      const [chart] = await chartPoints(page, `.cumulative[data-metric="${r.metric}"][data-currency="${r.currency ?? ''}"] .chart`);
      expect(chart, `a chart for ${r.metric} ${r.currency ?? ''}`).toBeDefined();
      const mine = points.filter((p) => p.metric === r.metric && p.currency === r.currency && p.variant === r.variant);
      expect(chart!.x).toEqual(mine.map((p) => p.period_start));
      expect(chart!.series.lift).toEqual(mine.map((p) => p.relative_lift));
      expect(chart!.series['lift high']).toEqual(mine.map((p) => p.relative_ci_high));
      const last = chart!.x.length - 1;
      expect(chart!.series.lift![last]).toBeCloseTo(Number(r.relative_lift), 12);
      expect(chart!.series['lift low']![last]).toBeCloseTo(Number(r.relative_ci_low), 12);
      expect(chart!.series['lift high']![last]).toBeCloseTo(Number(r.relative_ci_high), 12);
      drawn += 1;
    }
    expect(drawn).toBeGreaterThanOrEqual(3);
    // Another retailer's token finds no such experiment.
    expect((await api('/api/v1/experiments/exp1/cumulative', R2_TOKEN)).status).toBe(404);
    await page.context().close();
  });

  // One test per view and width, each with its own timeout: the 14 views in one test took
  // 10.5 s alone and over 30 s on a loaded CI machine.
  describe.each(Object.entries(WIDTHS))('every view at %s width', (width, viewport) => {
    let page: Page;
    beforeAll(async () => {
      page = await signedIn(ADMIN_TOKEN, viewport);
    });
    afterAll(async () => {
      await page?.context().close();
    });
    it.each(VIEWS.map((view) => view.id))('%s: drawn without errors, screenshot saved', async (id) => {
      await open(page, id === 'overview' ? '/' : `/v/${id}`);
      expect(await page.locator('main [role=alert]').count(), `${id} at ${width}`).toBe(0);
      await page.screenshot({ path: join(SHOTS_DIR, `${id}-${width}.png`), fullPage: true });
    });
  });
});
