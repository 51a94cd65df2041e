/**
 * Dashboard and data API latency (issue 13), beside the CLI's own query as
 * the baseline in the same run: per report endpoint the uncached API time
 * (over HTTP, a fresh cache key each round) against `runReportRequest` on
 * an open engine (what `livelens report` runs, without process start), and
 * the cached p95; then each view's first data in Chromium (sign-in, then
 * time from navigation to the view drawn). Targets: first data < 1 s, cached
 * p95 < 200 ms, uncached ≤ 1.5× the CLI query.
 *
 * Run it on the demo's day (`npm start` once, or `livelens demo --exit`):
 *   node --import tsx bench/dashboard.ts --data-dir .livelens [--rounds 5] [--cached 50]
 */
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createLogger } from '../collector/log.ts';
import { createDashboard } from '../dashboard/mount.ts';
import { VIEWS } from '../dashboard/client/views/index.ts';
import { createEngine } from '../pipeline/engine/create-engine.ts';
import { runReportRequest } from '../pipeline/reports/index.ts';
import { startServer } from '../server/start-server.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../test/browser/chromium.ts';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string', default: '.livelens' }, rounds: { type: 'string', default: '5' }, cached: { type: 'string', default: '50' } } });
const dataDir = values['data-dir']!;
const rounds = Number(values.rounds);
const cachedRequests = Number(values.cached);
const TOKEN = 'bench-admin-token-00001';
/** A `to` far in the future, moved by 1 ms per round so every round misses the cache and covers the whole lake. */
const FAR_TO_MS = 4_102_444_800_000;

const CASES: Array<{ report: string; params: Record<string, string>; path: string }> = [
  { report: 'conversion', params: { by: 'creator' }, path: '/api/v1/reports/conversion' },
  { report: 'conversion', params: { by: 'show' }, path: '/api/v1/reports/conversion' },
  { report: 'qoe', params: { by: 'region' }, path: '/api/v1/reports/qoe' },
  { report: 'qoe-impact', params: { by: 'rebuffer' }, path: '/api/v1/reports/qoe-impact' },
  { report: 'audience', params: { by: 'creator' }, path: '/api/v1/reports/audience' },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

const dashboard = createDashboard({ dataDir, dashboardTokens: `${TOKEN}=admin` });
const server = await startServer({ dataDir, port: 0, routes: [dashboard.routes], services: [dashboard.service], log: createLogger('silent') });
const engine = await createEngine({ dataDir });
const get = async (url: string) => {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
};
try {
  console.log(`dashboard bench on ${dataDir} (machine shared; medians of ${rounds} rounds, cached p95 of ${cachedRequests} requests)`);
  console.log('endpoint                        cli_query_ms  api_uncached_ms  ratio  api_cached_p95_ms');
  // Warm both engines once (first query opens DuckDB and builds the lake views).
  await get(`${server.url}/api/v1/reports/qoe?by=region&to=${FAR_TO_MS}`);
  await runReportRequest('qoe', { by: 'region' }, { queryEngine: engine });
  for (const c of CASES) {
    const cli: number[] = [];
    const api: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const to = String(FAR_TO_MS + 1 + i + 100 * CASES.indexOf(c));
      const t0 = performance.now();
      await runReportRequest(c.report, { ...c.params, to }, { queryEngine: engine });
      cli.push(performance.now() - t0);
      api.push(await get(`${server.url}${c.path}?${new URLSearchParams({ ...c.params, to: String(Number(to) + 50) })}`));
    }
    const cached: number[] = [];
    const url = `${server.url}${c.path}?${new URLSearchParams(c.params)}`;
    await get(url);
    for (let i = 0; i < cachedRequests; i++) cached.push(await get(url));
    const name = `${c.report}?${new URLSearchParams(c.params)}`;
    console.log(`${name.padEnd(32)}${median(cli).toFixed(1).padStart(12)}${median(api).toFixed(1).padStart(17)}${(median(api) / median(cli)).toFixed(2).padStart(7)}${p95(cached).toFixed(1).padStart(19)}`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  const page = await browser.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.fill('input[name=token]', TOKEN);
  await page.click('button[type=submit]');
  await page.waitForURL(`${server.url}/`);
  console.log('view            first_data_ms (median; cold = first visit, uncached)');
  for (const view of VIEWS) {
    const times: number[] = [];
    let cold = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await page.goto(`${server.url}${view.id === 'overview' ? '/' : `/v/${view.id}`}`);
      await page.waitForSelector('body[data-ready=true]');
      const ms = performance.now() - t0;
      if (i === 0) cold = ms;
      times.push(ms);
    }
    console.log(`${view.id.padEnd(16)}${median(times).toFixed(0).padStart(8)}   (cold ${cold.toFixed(0)})`);
  }
  await browser.close();
} finally {
  await engine.close();
  await server.stop();
}
