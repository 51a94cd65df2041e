/**
 * Live freshness benchmark (issue 14): on embedded defaults (kinesalite in
 * process, the live view's reader polling each shard once a second, a
 * snapshot every second), how long from a POST to the collector until the
 * event is in `GET /api/v1/live/snapshot`. Probes are sent every
 * `--every-ms`, each a heartbeat on its own show; one poller reads the
 * snapshot every POLL_MS and notes when each show first appears. Prints
 * p50/p95/max of the delay (SPEC: within 5 s).
 *
 * @example
 * npm run bench:live -- --probes 40 --every-ms 250
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../collector/log.ts';
import { createDashboard } from '../dashboard/mount.ts';
import { DEFAULT_ALERT_COOLDOWN_S, DEFAULT_ALERT_MIN_VIEWERS, DEFAULT_ALERT_RULES } from '../live/alerts/rules.ts';
import { DEFAULT_CLOUDWATCH_INTERVAL_S } from '../live/cloudwatch/limits.ts';
import { DEFAULT_LIVE_WINDOW_S } from '../live/limits.ts';
import { createLive } from '../live/mount.ts';
import { startServer } from '../server/start-server.ts';

/** The poller reads the snapshot this often (the delay is measured to within it). */
const POLL_MS = 50;
/** A probe not seen within this long counts as lost. */
const GIVE_UP_MS = 30_000;
const TOKEN = 'bench-admin-token-0001';
const KEY = 'bench_key_0001@bench';

const { values: args } = parseArgs({ options: { probes: { type: 'string', default: '40' }, 'every-ms': { type: 'string', default: '250' } } });
const PROBES = Number(args.probes);
const EVERY_MS = Number(args['every-ms']);

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-bench-live-'));
const log = createLogger('silent');
const dashboard = createDashboard({ dataDir, dashboardTokens: `${TOKEN}=admin`, writeKeys: KEY });
const live = createLive({
  settings: {
    liveWindowS: DEFAULT_LIVE_WINDOW_S, alertWebhook: undefined, alertRules: DEFAULT_ALERT_RULES, alertMinViewers: DEFAULT_ALERT_MIN_VIEWERS,
    alertCooldownS: DEFAULT_ALERT_COOLDOWN_S, cloudwatchNamespace: undefined, cloudwatchIntervalS: DEFAULT_CLOUDWATCH_INTERVAL_S, awsRegion: undefined,
  },
  access: dashboard.access,
  log,
});
const server = await startServer({ dataDir, port: 0, writeKeys: KEY, routes: [live.routes, dashboard.routes], services: [dashboard.service, ...live.services], log });
const sentAt = new Map<string, number>();
const seenAt = new Map<string, number>();
let polling = true;
const poller = (async () => {
  while (polling) {
    const res = await fetch(`${server.url}/api/v1/live/snapshot`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const snap = (await res.json()) as { shows: { show_id: string }[] };
    const t = Date.now();
    for (const s of snap.shows) if (sentAt.has(s.show_id) && !seenAt.has(s.show_id)) seenAt.set(s.show_id, t);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
})();
try {
  // Let the reader get its iterators first: a server takes a moment to start reading.
  await new Promise((r) => setTimeout(r, 3_000));
  for (let i = 0; i < PROBES; i++) {
    const show = `probe-${i}`;
    const now = Date.now();
    sentAt.set(show, now);
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': 'bench_key_0001' },
      body: JSON.stringify({ sent_at: now, events: [{ event_id: `probe_event_${i}_${now}`, type: 'heartbeat', ts: now, viewer_id: `pv${i}`, session_id: `ps${i}`, show_id: show, creator_id: 'c', props: { watch_ms: 10_000, latency_ms: 2_000 } }] }),
    });
    if (res.status !== 200) throw new Error(`probe ${i}: collector answered ${res.status}`);
    await new Promise((r) => setTimeout(r, EVERY_MS));
  }
  const deadline = Date.now() + GIVE_UP_MS;
  while (seenAt.size < PROBES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
} finally {
  polling = false;
  await poller;
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
const delays = [...sentAt].filter(([s]) => seenAt.has(s)).map(([s, t]) => seenAt.get(s)! - t).sort((a, b) => a - b);
const lost = PROBES - delays.length;
process.stdout.write(
  `live freshness, POST -> /api/v1/live/snapshot, ${PROBES} probes every ${EVERY_MS} ms (poll ${POLL_MS} ms):\n` +
    `  p50 ${percentile(delays, 0.5)} ms, p95 ${percentile(delays, 0.95)} ms, max ${delays[delays.length - 1]} ms, lost ${lost}\n` +
    `  SPEC: within 5000 ms at p95 — ${percentile(delays, 0.95) < 5_000 && lost === 0 ? 'met' : 'NOT met'}\n`,
);
