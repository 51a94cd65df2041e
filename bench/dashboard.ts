/**
 * Dashboard and data API latency (issue 13), beside the CLI's own query as
 * the baseline in the same run.
 *
 * 1. Cold first view, per view: a fresh server (empty result cache, its
 *    engine warmed at start as `livelens serve` does), a fresh signed-in
 *    browser context, then the time from navigation to the view's first
 *    data and to the whole view drawn; then a second visit (cached).
 *    Median of `--cold-rounds` fresh servers.
 * 2. Per API endpoint: the baseline (the report layer on an open engine:
 *    what `livelens report` runs, without process start), the API uncached
 *    (over HTTP, a fresh `to` each round so every round misses the cache),
 *    their ratio (of medians), and the API cached p50/p95.
 *
 * Targets: first data < 1 s; cached p95 < 200 ms; uncached ≤ 1.5× the CLI
 * query; on the 10M-event lake of bench:scale every report endpoint < 3 s
 * uncached.
 *
 *   node --import tsx bench/dashboard.ts --data-dir .livelens            # the demo's day (`livelens demo --exit` first)
 *   node --import tsx bench/dashboard.ts --events 10000000               # the bench:scale lake (generated if absent), endpoints only
 *   ... [--rounds 5] [--cached 50] [--cold-rounds 3] [--connections 1] [--views|--no-views] [--only experiments/] [--out results.json]
 *
 * `--connections 1` runs every query one after another (the engine before
 * issue 13's concurrency) for a same-run comparison. `--only TEXT` times
 * only the endpoints whose name contains TEXT (e.g. `experiments/`), so one
 * endpoint at 10M events stays a short run.
 */
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createLogger } from '../collector/log.ts';
import { parseInteger } from '../config/parse-integer.ts';
import { VIEWS } from '../dashboard/client/views/index.ts';
import { createDashboard } from '../dashboard/mount.ts';
import { createEngine, type EngineSettings } from '../pipeline/engine/create-engine.ts';
import { DEFAULT_DUCKDB_CONNECTIONS } from '../pipeline/engine/duckdb.ts';
import { startServer } from '../server/start-server.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../test/browser/chromium.ts';
import { endpointCases } from './lib/dashboard-cases.ts';
import { signedInPage, timeView } from './lib/view-timing.ts';
import { ensureScaleLake, ORDER_LINES_PER_EVENT, scaleLakeDir } from './scale-data.ts';

/** Issue 13's targets. */
export const TARGET_FIRST_DATA_MS = 1000;
export const TARGET_CACHED_P95_MS = 200;
export const TARGET_UNCACHED_RATIO = 1.5;
export const TARGET_SCALE_UNCACHED_MS = 3000;
/** Views that show report data (the live view reads the live stream, not the lake). */
const REPORT_VIEWS = VIEWS.map((v) => v.id).filter((id) => id !== 'live');
const TOKEN = 'bench-admin-token-00001';
/** A `to` far in the future, moved by 1 ms per round so every round misses the cache and covers the whole lake. */
const FAR_TO_MS = 4_102_444_800_000;

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    events: { type: 'string' },
    rounds: { type: 'string' },
    cached: { type: 'string', default: '50' },
    'cold-rounds': { type: 'string', default: '3' },
    connections: { type: 'string', default: String(DEFAULT_DUCKDB_CONNECTIONS) },
    views: { type: 'boolean' },
    only: { type: 'string' },
    'no-views': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const int = (flag: string, text: string, min: number) => parseInteger(text.replaceAll('_', ''), { flag: `--${flag}`, min });
const events = values.events === undefined ? undefined : int('events', values.events, 1000);
const scale = events !== undefined;
const rounds = int('rounds', values.rounds ?? (scale ? '3' : '5'), 1);
const cachedRequests = int('cached', values.cached!, 1);
const coldRounds = int('cold-rounds', values['cold-rounds']!, 1);
const connections = int('connections', values.connections!, 1);
const withViews = values['no-views'] ? false : values.views ?? !scale;

const size = { events: events ?? 0, orderLines: Math.round((events ?? 0) * ORDER_LINES_PER_EVENT) };
const dataDir = values['data-dir'] ?? (scale ? scaleLakeDir(size) : '.livelens');
if (scale && (await ensureScaleLake(dataDir, size))) console.log(`generated the bench:scale lake (${size.events} events) in ${dataDir}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const engineSettings: EngineSettings = { dataDir, connections };

/** A dashboard server on its own engine and empty cache; the engine is warm when this resolves. */
async function dashboardServer() {
  const dashboard = createDashboard({ dataDir, dashboardTokens: `${TOKEN}=admin`, engineSettings });
  return startServer({ dataDir, port: 0, routes: [dashboard.routes], services: [dashboard.service], log: createLogger('silent') });
}

async function timed(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}

/** CPU seconds of this process (every DuckDB thread, the in-process server too) spent in `work`: work done whatever the machine's load. */
async function cpuSeconds(work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

const report: Record<string, unknown> = { dataDir, events, connections, rounds, cachedRequests, coldRounds, cores: os.cpus().length, loadAtStart: load() };
console.log(`dashboard bench on ${dataDir}${scale ? ` (bench:scale lake, ${size.events} events)` : ''}: ${connections} DuckDB connection(s), ${os.cpus().length} cores, ` +
  `load average ${load()} (machine shared with other engineers' work: compare ratios within this run)`);

if (withViews) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  const views: Record<string, { firstMs: number; readyMs: number; repeatFirstMs: number; repeatReadyMs: number }> = {};
  try {
    const samples = new Map<string, { first: number[]; ready: number[]; repeatFirst: number[]; repeatReady: number[] }>();
    for (let round = 0; round < coldRounds; round++) {
      for (const id of REPORT_VIEWS) {
        const server = await dashboardServer();
        try {
          const page = await signedInPage(browser, server.url, TOKEN);
          const cold = await timeView(page, server.url, id);
          const repeat = await timeView(page, server.url, id);
          await page.context().close();
          const s = samples.get(id) ?? { first: [], ready: [], repeatFirst: [], repeatReady: [] };
          s.first.push(cold.firstMs);
          s.ready.push(cold.readyMs);
          s.repeatFirst.push(repeat.firstMs);
          s.repeatReady.push(repeat.readyMs);
          samples.set(id, s);
        } finally {
          await server.stop();
        }
      }
    }
    console.log(`\nview            cold first data  cold all drawn  repeat first data  repeat all drawn   (ms, median of ${coldRounds} fresh servers; target first data < ${TARGET_FIRST_DATA_MS})`);
    for (const [id, s] of samples) {
      views[id] = { firstMs: median(s.first), readyMs: median(s.ready), repeatFirstMs: median(s.repeatFirst), repeatReadyMs: median(s.repeatReady) };
      const v = views[id]!;
      console.log(`${id.padEnd(16)}${v.firstMs.toFixed(0).padStart(15)}${v.readyMs.toFixed(0).padStart(16)}${v.repeatFirstMs.toFixed(0).padStart(19)}${v.repeatReadyMs.toFixed(0).padStart(18)}`);
    }
  } finally {
    await browser.close();
  }
  report.views = views;
}

const server = await dashboardServer();
const engine = await createEngine(engineSettings);
try {
  const cases = (await endpointCases(engine, dataDir)).filter((c) => values.only === undefined || c.name.includes(values.only));
  if (cases.length === 0) throw new Error(`--only ${values.only}: no endpoint name contains it`);
  const endpoints: Record<string, { cliMs: number; uncachedP50Ms: number; uncachedP95Ms: number; ratio: number; cachedP50Ms: number; cachedP95Ms: number; cliCpuS: number; apiCpuS: number }> = {};
  console.log(`\nendpoint                          cli_ms  api_uncached_p50  p95    ratio  api_cached_p50  p95   cli_cpu_s api_cpu_s  (medians of ${rounds} rounds; cached: ${cachedRequests} requests)`);
  for (const [index, c] of cases.entries()) {
    const cli: number[] = [];
    const api: number[] = [];
    const cliCpu: number[] = [];
    const apiCpu: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Distinct `to` per round and side: every request misses the cache and neither side reuses the other's result.
      const to = String(FAR_TO_MS + 2 * (index * rounds + round));
      const t0 = performance.now();
      cliCpu.push(await cpuSeconds(() => c.baseline(engine, { to })));
      cli.push(performance.now() - t0);
      apiCpu.push(await cpuSeconds(async () => api.push(await timed(`${server.url}${c.path}?${new URLSearchParams({ ...c.params, to: String(Number(to) + 1) })}`))));
    }
    const url = `${server.url}${c.path}${Object.keys(c.params).length ? `?${new URLSearchParams(c.params)}` : ''}`;
    await timed(url);
    const cached: number[] = [];
    for (let i = 0; i < cachedRequests; i++) cached.push(await timed(url));
    const e = {
      cliMs: median(cli), uncachedP50Ms: median(api), uncachedP95Ms: p95(api), ratio: median(api) / median(cli),
      cachedP50Ms: median(cached), cachedP95Ms: p95(cached), cliCpuS: median(cliCpu), apiCpuS: median(apiCpu),
    };
    endpoints[c.name] = e;
    console.log(`${c.name.padEnd(32)}${e.cliMs.toFixed(0).padStart(8)}${e.uncachedP50Ms.toFixed(0).padStart(18)}${e.uncachedP95Ms.toFixed(0).padStart(6)}${e.ratio.toFixed(2).padStart(9)}` +
      `${e.cachedP50Ms.toFixed(1).padStart(16)}${e.cachedP95Ms.toFixed(1).padStart(6)}${e.cliCpuS.toFixed(2).padStart(12)}${e.apiCpuS.toFixed(2).padStart(10)}`);
  }
  report.endpoints = endpoints;
  const all = Object.values(endpoints);
  const worstRatio = Math.max(...all.map((e) => e.ratio));
  const worstCached = Math.max(...all.map((e) => e.cachedP95Ms));
  const slowest = Math.max(...all.map((e) => e.uncachedP50Ms));
  console.log(`\nworst uncached ratio ${worstRatio.toFixed(2)} (target ≤ ${TARGET_UNCACHED_RATIO}); worst cached p95 ${worstCached.toFixed(1)} ms (target < ${TARGET_CACHED_P95_MS})` +
    (scale ? `; slowest uncached endpoint ${(slowest / 1000).toFixed(2)} s (target < ${TARGET_SCALE_UNCACHED_MS / 1000} s)` : '') + `; load average now ${load()}`);
  report.loadAtEnd = load();
} finally {
  await engine.close();
  await server.stop();
}
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
