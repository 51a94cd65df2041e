/**
 * One server under test for bench/collector.ts, run in its own process so
 * that the load generator does not share its event loop. Variants:
 * `bare` (Hono that only parses the JSON), `noop` (the collector with a
 * sink that drops events), `kinesis` (the collector with embedded
 * kinesalite, as `livelens serve` runs it), `kinesis-no-shedding` (the same
 * with overload shedding off), `raw` (kinesalite's raw rate: one
 * record per event, no collector). Prints `{"url","key"}` on its
 * first stdout line and answers `rss` IPC messages with its RSS, peak RSS,
 * CPU time, the longest event-loop delay, the longest and total GC pause, and the server-side latencies of
 * `POST /v1/events` by status (headers parsed to answer sent, ms) since the
 * previous `rss`: set beside the client's, they tell time spent in the
 * server from time spent before it (kernel queues, a starved client).
 *
 * @example
 * node --import tsx bench/lib/collector-bench-server.ts noop <dataDir>
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient, EMBEDDED_STREAM_NAME, ensureStream, startEmbeddedKinesis } from '../../streams/embedded-kinesis.ts';
import { startCollector } from '../../collector/node.ts';
import { startServer } from '../../server/start-server.ts';
import { SERVER_SETTINGS } from '../../server/server-settings.ts';
import { resolveSettings } from '../../config/settings.ts';
import type { EventSink } from '../../collector/types.ts';
import { installGateTrace } from './gate-trace.ts';

const NO_LIMITS = { keyEventsPerSecond: 0, addressRequestsPerSecond: 0 };
const KEY = 'bench_key_0001@bench';
const log = pino({ level: 'warn' });

const noopSink: EventSink = {
  write: async () => undefined,
  status: () => ({ healthy: true, streamUp: true, spool: { bytes: 0, events: 0, files: 0, maxBytes: 0 } }),
  close: async () => undefined,
};

function listenBare(app: Hono): Promise<{ url: string; stop(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, stop: () => new Promise((r) => server.close(() => r())) }),
    );
  });
}

async function start(variant: string, dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  if (variant === 'bare') {
    const app = new Hono();
    app.post('/v1/events', async (c) => {
      const body = (await c.req.json()) as { events: unknown[] };
      return c.json({ accepted: body.events.length, rejected: [] });
    });
    return listenBare(app);
  }
  if (variant === 'raw') {
    // kinesalite's raw rate: each event its own record, one PutRecords per request, no collector.
    const k = await startEmbeddedKinesis({ dir: join(dataDir, 'kinesis') });
    const client = createKinesisClient({ endpoint: k.endpoint, maxAttempts: 1 });
    await ensureStream(client, EMBEDDED_STREAM_NAME);
    const app = new Hono();
    app.post('/v1/events', async (c) => {
      const body = (await c.req.json()) as { events: unknown[] };
      const Records = body.events.map((e) => ({ Data: Buffer.from(JSON.stringify(e)), PartitionKey: randomUUID() }));
      const res = await client.send(new PutRecordsCommand({ StreamName: EMBEDDED_STREAM_NAME, Records }));
      return c.json({ accepted: body.events.length - (res.FailedRecordCount ?? 0), rejected: [] });
    });
    const bare = await listenBare(app);
    return { url: bare.url, stop: async () => { await bare.stop(); client.destroy(); await k.stop(); } };
  }
  if (variant === 'noop') {
    return startCollector({ dataDir, port: 0, writeKeys: KEY, rateLimits: NO_LIMITS, sink: noopSink, log });
  }
  if (variant === 'kinesis' || variant === 'kinesis-no-shedding') {
    // LIVELENS_* tuning (e.g. LIVELENS_KINESIS_LINGER_MS) applies, as in `livelens serve`.
    const settings = resolveSettings(SERVER_SETTINGS, {}, { ...process.env, LIVELENS_KINESIS_STREAM: '', LIVELENS_KINESIS_ENDPOINT: '' });
    // No shedding: every batch admitted at once, as before issue 16.
    const admission = variant === 'kinesis' ? undefined : { maxRequests: Number.MAX_SAFE_INTEGER, initialRequests: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER, targetLatencyMs: Number.MAX_SAFE_INTEGER };
    return startServer({ ...settings, admission, dataDir, port: 0, writeKeys: KEY, ...NO_LIMITS, keyBurstEvents: 500, addressBurstRequests: 1, log });
  }
  throw new Error(`unknown variant "${variant}": expected bare, noop, kinesis, kinesis-no-shedding or raw`);
}

const [variant = '', dataDir = ''] = process.argv.slice(2);
// bench:overload --trace: the gate's, the sink's and the event loop's moments, handed over on a `trace` message.
const trace = process.env.LIVELENS_BENCH_TRACE === '1' ? installGateTrace() : undefined;
const server = await start(variant, dataDir);
process.stdout.write(JSON.stringify({ url: server.url, key: 'bench_key_0001' }) + '\n');
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
// Garbage-collection pauses (the longest and their total), a cause of tail latency beside the scheduler.
let gcMaxMs = 0;
let gcTotalMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMaxMs = Math.max(gcMaxMs, e.duration);
    gcTotalMs += e.duration;
  }
}).observe({ entryTypes: ['gc'] });
// Server-side latency of each collector request (kinesalite's own requests, on `/`, are left out).
const startedAt = new WeakMap<ServerResponse, number>();
let serverLatencies: Record<string, number[]> = {};
subscribe('http.server.request.start', (m) => {
  const { request, response } = m as { request: IncomingMessage; response: ServerResponse };
  if (request.url?.startsWith('/v1/events')) startedAt.set(response, performance.now());
});
subscribe('http.server.response.finish', (m) => {
  const { response } = m as { response: ServerResponse };
  const t = startedAt.get(response);
  if (t === undefined) return;
  (serverLatencies[String(response.statusCode)] ??= []).push(performance.now() - t);
  trace?.push({ k: 'http', t: performance.timeOrigin + t, ms: performance.now() - t, status: response.statusCode });
});
process.on('message', (msg) => {
  if (msg === 'rss') {
    const usage = process.resourceUsage();
    process.send?.({ peakRssBytes: usage.maxRSS * 1024, rssBytes: process.memoryUsage().rss, loopDelayMaxMs: loopDelay.max / 1e6, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, serverLatencies, gcMaxMs, gcTotalMs });
    loopDelay.reset();
    serverLatencies = {};
    gcMaxMs = 0;
    gcTotalMs = 0;
  }
  if (msg === 'trace') process.send?.({ trace: trace?.take() ?? [] });
  if (msg === 'stop') void server.stop().then(() => process.exit(0));
});
