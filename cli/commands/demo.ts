/**
 * `livelens demo` (`npm start`, docs/spec.md §5): the whole product on
 * embedded defaults. Starts embedded Kinesis, the collector and ingest;
 * the simulator plays a small day of shows through the real SDK; orders are
 * imported; the reports and experiments run and are checked against the
 * planted truth; a summary is printed; then it keeps serving (and
 * ingesting) until Ctrl-C, or exits at once with `--exit`.
 *
 * @example
 * npm start
 * livelens demo --viewers 300 --exit --data-dir /tmp/demo
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { addSettingOptions, resolveSettings } from '../../config/settings.ts';
import { runIngest } from '../../pipeline/ingest/run-ingest.ts';
import { RETAILERS } from '../../simulate/world/catalog.ts';
import { prepareDemoDataDir, writeDemoMarker } from './demo/data-dir.ts';
import { createProgress } from './progress.ts';
import { MAX_SIM_HOURS } from '../../simulate/run.ts';
import { runSimulatedDay, type SimulatedDay } from '../../simulate/simulated-day.ts';
import { formatDemoSummary } from './demo/summary.ts';
import { parseWriteKeys } from '../../collector/write-keys.ts';
import { generateRetailerKeys } from '../../simulate/simulated-day.ts';
import { intFlag } from './simulate.ts';
import { createDashboard } from '../../dashboard/mount.ts';
import { createLogger } from '../../collector/log.ts';
import { createLive, LIVE_SETTINGS } from '../../live/mount.ts';
import { PROBLEM_REGION, startTrickle } from '../../live/demo-trickle.ts';
import { createViewer, DEFAULT_VIEWER_CREATOR } from '../../viewer/mount.ts';
import { DEFAULT_EXPERIMENTS_FILE } from '../../pipeline/reports/experiment-definitions.ts';

/** The creator of the demo's running show (the trickle's viewers and the viewer page watch it). */
export const DEMO_LIVE_CREATOR = DEFAULT_VIEWER_CREATOR;

/** The demo's day of shows: sized to finish in about a minute on 2 cores. */
export const DEMO_SEED = 1;
export const DEMO_SHOWS = 6;
export const DEMO_VIEWERS = 800;
export const DEMO_HOURS = 8;

/** The settings the demo takes (the rest are the embedded defaults). */
const DEMO_SETTINGS = ['dataDir', 'port', 'writeKeys', 'dashboardTokens', ...LIVE_SETTINGS] as const;

const STEP_TEXT: Record<string, string> = {
  start: 'starting embedded Kinesis, collector and ingest',
  simulate: 'simulating viewers through the SDK to the collector',
  ingest: 'landing the stream in the lake',
  orders: 'importing the retailers\' order exports',
  reports: 'running conversion and QoE reports',
  experiments: 'analysing the experiments',
};

/**
 * The key the simulator uses per retailer: a configured one for that
 * retailer when LIVELENS_WRITE_KEYS has it, else a generated one (the
 * configured keys keep working on the collector either way).
 */
export function demoKeys(list: string | undefined): Record<string, string> {
  const generated = generateRetailerKeys();
  const configured = list ? parseWriteKeys(list) : [];
  return Object.fromEntries(RETAILERS.map((r) => [r.id, configured.find((k) => k.retailer === r.id)?.key ?? generated[r.id]!]));
}

export function register(program: Command): void {
  const cmd = program
    .command('demo')
    .description('everything at once on embedded defaults: collector, Kinesis, ingest, a simulated day of shows, reports; stays up until Ctrl-C')
    .option('--seed <n>', 'simulation seed', String(DEMO_SEED))
    .option('--shows <n>', 'shows in the simulated day', String(DEMO_SHOWS))
    .option('--viewers <n>', 'distinct simulated viewers', String(DEMO_VIEWERS))
    .option('--hours <h>', 'hours the shows spread over', String(DEMO_HOURS))
    .option('--reset', 'clear the data dir first (livelens data only); a previous demo\'s data is always replaced')
    .option('--exit', 'exit after the summary instead of serving until Ctrl-C (exit code 1 if a report differs from the planted truth)');
  addSettingOptions(cmd, DEMO_SETTINGS);
  cmd.action(async (opts: Record<string, unknown>) => {
    try {
      await runDemo(opts);
    } catch (err) {
      process.stderr.write(`livelens demo: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });
}

/** The demo from flags to Ctrl-C. */
async function runDemo(opts: Record<string, unknown>): Promise<void> {
  const started = Date.now();
  const out = process.stdout;
  const settings = resolveSettings(DEMO_SETTINGS, opts);
  const dataDir = settings.dataDir;
  const hours = Number(opts.hours);
  if (!(hours > 0 && hours <= MAX_SIM_HOURS)) throw new Error(`--hours is "${String(opts.hours)}": expected a number above 0 and at most ${MAX_SIM_HOURS}`);
  const port = settings.port;
  const keyList = settings.writeKeys;
  const dashboard = createDashboard({ dataDir, dashboardTokens: settings.dashboardTokens, writeKeys: keyList });
  // The live view, alerts (logged; to a webhook when set) and CloudWatch when configured; a bad alert rule stops here.
  const liveLog = createLogger('info');
  // The simulated day writes <data dir>/experiments.json (two of its experiments are show-level): the live srm alert follows it.
  const livePart = createLive({ settings, access: dashboard.access, log: liveLog, experimentsFile: join(dataDir, DEFAULT_EXPERIMENTS_FILE) });
  const prepared = prepareDemoDataDir(dataDir, { reset: opts.reset === true });
  const writeKeys = demoKeys(keyList);
  // The running show after the simulated day: the trickle's simulated viewers and the viewer page (where ffmpeg is installed) watch it.
  const [liveRetailer, liveKey] = Object.entries(writeKeys)[0]!;
  const liveShow = `live-${new Date().toISOString().slice(0, 10)}`;
  const viewer = opts.exit === true ? undefined : createViewer({ dataDir, writeKey: liveKey, retailerId: liveRetailer, showId: liveShow, creatorId: DEMO_LIVE_CREATOR, log: liveLog });
  out.write(`livelens demo: data in ${dataDir} (${prepared})\n`);
  const progress = createProgress('sessions');
  let day: SimulatedDay;
  try {
    day = await runSimulatedDay({
      dataDir,
      port,
      seed: intFlag('seed', opts.seed, 0, 2 ** 32 - 1),
      shows: intFlag('shows', opts.shows, RETAILERS.length, 1000),
      viewers: intFlag('viewers', opts.viewers, 1, 1_000_000),
      hours,
      writeKeys,
      ...(keyList ? { extraWriteKeys: keyList } : {}),
      routes: [livePart.routes, ...(viewer?.available ? [viewer.routes] : []), dashboard.routes],
      services: [dashboard.service, ...livePart.services],
      metrics: livePart.metrics,
      onStep: (s) => {
        if (s !== 'simulate') progress.stop();
        out.write(`- ${STEP_TEXT[s] ?? s}\n`);
      },
      onProgress: (done, total) => progress.update(done, total),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${port} is in use: pass --port <free port> (or --port 0 for any) or set LIVELENS_PORT`);
    }
    throw err;
  }
  progress.stop();
  out.write(formatDemoSummary(day));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  out.write(`\nDemo ready in ${seconds} s (${Object.entries(day.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}).\n`);
  out.write(dashboard.signInText(day.serve.url));
  out.write(`Collector: ${day.serve.url}/v1/events\n`);
  for (const [retailer, key] of Object.entries(day.writeKeys)) out.write(`Write key for retailer ${retailer}: ${key}\n`);
  if (keyList) out.write('The keys of --write-keys / LIVELENS_WRITE_KEYS are accepted too.\n');
  out.write(`Reports: livelens report conversion --by creator --data-dir ${dataDir}   (also: qoe --by region, experiment exp-show-format, experiment exp-show-countdown)\n`);
  writeDemoMarker(dataDir, {
    started_at: new Date(started).toISOString(),
    collector: day.serve.url,
    write_keys: day.writeKeys,
    truth: day.simulation.truthFile,
    span: day.simulation.span,
    timings_ms: day.timings,
    mismatches: day.mismatches,
  });

  if (opts.exit === true) {
    await day.serve.stop();
    process.exitCode = day.mismatches.length === 0 ? 0 : 1;
    return;
  }
  // Keep serving: events sent to the collector from now on land in the lake as they arrive.
  const live = new AbortController();
  const ingest = runIngest({ dataDir, kinesis: { endpoint: day.serve.kinesisEndpoint, stream: day.serve.stream }, signal: live.signal });
  const trickle = startTrickle({ url: day.serve.url, writeKey: liveKey, retailerId: liveRetailer, showId: liveShow, creatorId: DEMO_LIVE_CREATOR, log: liveLog });
  out.write(`Live panel: ${day.serve.url}/v/live — ${trickle.viewers} simulated viewers on show ${trickle.showId} (retailer ${liveRetailer}); now and then a latency problem in ${PROBLEM_REGION} fires an alert in the log.\n`);
  if (viewer?.available) {
    await viewer.startStream();
    out.write(`Viewer page: ${day.serve.url}${viewer.path} — watch show ${liveShow}, buy from the product cards, chat; your session is in the live panel (region "unknown") a few seconds later, your order in the conversion report once ingested.\n`);
  } else {
    out.write(`Viewer page: skipped (${viewer?.reason ?? 'not started'}).\n`);
  }
  out.write('Serving and ingesting; press Ctrl-C to stop.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  out.write('stopping: landing what was read, draining the collector\n');
  await trickle.stop();
  if (viewer?.available) await viewer.stopStream();
  live.abort();
  await ingest;
  await day.serve.stop();
}
