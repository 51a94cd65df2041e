/**
 * Overload benchmark (issue 16): the collector with embedded kinesalite, as
 * `livelens serve` runs it, in its own process. Measures its capacity
 * (closed loop, --capacity-connections outstanding, shedding off), then offers --multiple
 * times that rate open loop over at most --connections connections, once
 * with overload shedding (MAX_REQUESTS_IN_FLIGHT, MAX_BYTES_IN_FLIGHT
 * defaults, LIVELENS_* settings apply) and once with it off, and prints
 * for each: accepted events/s, p50/p99/max latency of accepted (200)
 * requests at the client and their p99 in the server (headers parsed to
 * answer sent), 503s, errors, the load generator's own longest event-loop
 * delay (when high, its latencies include its own waiting), RSS sampled
 * every 250 ms. Every run first opens its connections (a GET /healthz on
 * each), as a CDN's or load balancer's are open: without that, the first
 * second of each run opened 256 connections at once to a saturated server
 * and some of its requests took over a second, which alone made the p99. The
 * SDK-shaped batch is 50 realistic events, text/plain with ?key=. Each run
 * also reports the CPU other processes on the machine took meanwhile
 * (othersCpuMs: on a shared machine only rounds where it is small compare).
 * `--trace <file>` records the shedding server's gate, PutRecords calls,
 * LevelDB operations, event-loop lag and GC (bench/lib/gate-trace.ts) beside
 * the client's timeline, writes them to the file and prints them per second.
 *
 * @example
 * npm run bench:overload -- --duration 5 --multiple 3 --connections 256
 * npm run bench:overload -- --duration 5 --rounds 2 --trace /tmp/overload-trace.json
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { batchBody, DESKTOP_UA, realisticEvents } from '../collector/testing/fixtures.ts';
import { closedLoop, openLoop, percentile, type LoadResult, type LoadTarget } from './lib/load.ts';
import { cpuMark, othersCpuMs } from './lib/others-cpu.ts';
import { traceWindows, type TracedPhase } from './lib/gate-trace.ts';
import { askMemory, askTrace, startBenchServer, stopBenchServer, type BenchServer } from './lib/bench-server-process.ts';

/** Events per request, as the SDK batches them. */
const BATCH_EVENTS = 50;
/** RSS sampling period during the overload phase (ms). */
const RSS_SAMPLE_MS = 250;
const MIB = 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    multiple: { type: 'string', default: '3' },
    connections: { type: 'string', default: '256' },
    'capacity-connections': { type: 'string', default: '32' },
    rounds: { type: 'string', default: '2' },
    /** A JSON file for the shedding server's trace (bench/lib/gate-trace.ts) and the client's timeline of each phase. */
    trace: { type: 'string' },
  },
});
const ROUNDS = Number(args.rounds);
const DURATION_MS = Number(args.duration) * 1000;
const MULTIPLE = Number(args.multiple);
const CONNECTIONS = Number(args.connections);
const CAPACITY_CONNECTIONS = Number(args['capacity-connections']);
const TRACE_FILE = args.trace;
/** The per-second table printed with --trace. */
const TRACE_WINDOW_MS = 1_000;

type Server = BenchServer;

interface Usage {
  peakRssBytes: number;
  rssBytes: number;
  loopDelayMaxMs: number;
  cpuMs: number;
  /** Server-side latencies (headers parsed to answer sent) by status since the previous ask. */
  serverLatencies: Record<string, number[]>;
  gcMaxMs: number;
  gcTotalMs: number;
}

function rss(s: Server): Promise<Usage> {
  return askMemory<Usage>(s);
}


function target(s: Server, maxOutstanding: number, durationMs: number): LoadTarget {
  const now = Date.now();
  return {
    url: `${s.url}/v1/events?key=${s.key}`,
    connectUrl: `${s.url}/healthz`,
    headers: { 'content-type': 'text/plain', 'user-agent': DESKTOP_UA },
    body: batchBody(realisticEvents(BATCH_EVENTS, now), now),
    maxOutstanding,
    durationMs,
  };
}

const count = (r: LoadResult, status: string) => r.latencies[status]?.length ?? 0;
const round = (x: number, digits = 0) => (Number.isNaN(x) ? null : Number(x.toFixed(digits)));

function summary(label: string, r: LoadResult, rssMiB: number[], server: Record<string, number[]>) {
  const ok = r.latencies['200'] ?? [];
  const other = Object.entries(r.latencies).filter(([k]) => k !== '200' && k !== '503' && k !== 'error');
  return {
    run: label,
    acceptedEventsPerS: Math.round((ok.length * BATCH_EVENTS) / (r.elapsedMs / 1000)),
    okP50Ms: round(percentile(ok, 0.5), 1),
    okP99Ms: round(percentile(ok, 0.99), 1),
    okMaxMs: round(percentile(ok, 1), 1),
    serverOkP99Ms: round(percentile(server['200'] ?? [], 0.99), 1),
    shed503: count(r, '503'),
    shedP99Ms: round(percentile(r.latencies['503'] ?? [], 0.99), 1),
    otherStatus: other.map(([k, v]) => `${k}:${v.length}`).join(' ') || '-',
    errors: count(r, 'error'),
    unsent: r.unsent,
    clientLoopMaxMs: round(r.loopDelayMaxMs, 0),
    rssMiBMax: rssMiB.length ? Math.max(...rssMiB) : null,
    rssMiBLast: rssMiB.at(-1) ?? null,
  };
}

function addLatencies(into: Record<string, number[]>, more: Record<string, number[]>): void {
  for (const [status, ms] of Object.entries(more)) (into[status] ??= []).push(...ms);
}

interface Measured {
  r: LoadResult;
  rssMiB: number[];
  loopDelayMaxMs: number;
  cpuMs: number;
  server: Record<string, number[]>;
  gcMaxMs: number;
  gcTotalMs: number;
  /** CPU ms that other processes on the machine took during the run (the benchmark's and both servers' excluded). */
  othersCpuMs: number;
}

/** The benchmark's own processes: this one and the servers. */
const ourPids = (): number[] => [process.pid, ...servers.map((s) => s.child.pid ?? 0)];

/** Runs `load` against `s` while sampling the server's RSS, loop delay and server-side latencies. */
async function measured(s: Server, load: () => Promise<LoadResult>): Promise<Measured> {
  const rssMiB: number[] = [];
  const server: Record<string, number[]> = {};
  let loopDelayMaxMs = 0;
  let gcMaxMs = 0;
  let gcTotalMs = 0;
  const before = await rss(s);
  const cpuBefore = cpuMark(ourPids());
  const sample = (m: Usage): void => {
    rssMiB.push(Math.round(m.rssBytes / MIB));
    loopDelayMaxMs = Math.max(loopDelayMaxMs, m.loopDelayMaxMs);
    gcMaxMs = Math.max(gcMaxMs, m.gcMaxMs);
    gcTotalMs += m.gcTotalMs;
    addLatencies(server, m.serverLatencies);
  };
  const sampler = setInterval(() => void rss(s).then(sample), RSS_SAMPLE_MS);
  const r = await load();
  const others = othersCpuMs(cpuBefore, ourPids());
  clearInterval(sampler);
  const after = await rss(s);
  sample(after);
  return { r, rssMiB, loopDelayMaxMs, cpuMs: after.cpuMs - before.cpuMs, server, gcMaxMs, gcTotalMs, othersCpuMs: others };
}

const overload = (s: Server, ratePerSecond: number): Promise<Measured> => measured(s, () => openLoop({ ...target(s, CONNECTIONS, DURATION_MS), ratePerSecond }));

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-overload-'));
const servers: Server[] = [];
const startLoad = loadavg();
try {
  if (TRACE_FILE !== undefined) process.env.LIVELENS_BENCH_TRACE = '1';
  const shedding = await startBenchServer('kinesis', join(dataDir, 'shedding'));
  delete process.env.LIVELENS_BENCH_TRACE;
  servers.push(shedding);
  const unlimited = await startBenchServer('kinesis-no-shedding', join(dataDir, 'unlimited'));
  servers.push(unlimited);
  const traced: TracedPhase[] = [];
  const keepTrace = async (phase: string, r: LoadResult): Promise<void> => {
    if (TRACE_FILE !== undefined) traced.push({ phase, originEpochMs: r.originEpochMs, timeline: r.timeline, server: await askTrace<TracedPhase['server'][number]>(shedding) });
  };
  for (const s of servers) {
    const r = await closedLoop(target(s, CAPACITY_CONNECTIONS, 1_000)); // warm-up: JIT, sockets, first PutRecords
    if (s === shedding) await keepTrace('warm-up', r);
  }
  // Capacity is measured without shedding: a closed loop that resends at once after each 503 measures the refusals, not the collector.
  const capRun = await measured(unlimited, () => closedLoop(target(unlimited, CAPACITY_CONNECTIONS, DURATION_MS)));
  const cap = capRun.r;
  const capacity = count(cap, '200') / (cap.elapsedMs / 1000);
  const rate = Math.round(capacity * MULTIPLE);
  const rows = [{ ...summary(`capacity: closed loop, ${CAPACITY_CONNECTIONS} outstanding, shedding off`, cap, capRun.rssMiB, capRun.server), othersCpuMs: Math.round(capRun.othersCpuMs) }];
  const runs: Array<{ name: string; o: Measured }> = [{ name: 'off (capacity run)', o: capRun }];
  // Rounds alternate the order, so that other load on the shared machine hits both alike.
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const name of order) {
      if (name === 'on' && TRACE_FILE !== undefined) await askTrace(shedding); // what came between runs
      const o = await overload(name === 'on' ? shedding : unlimited, rate);
      if (name === 'on') await keepTrace(`round ${round + 1}`, o.r);
      runs.push({ name, o });
      rows.push({ ...summary(`round ${round + 1}: ${MULTIPLE}x capacity, shedding ${name}`, o.r, o.rssMiB, o.server), othersCpuMs: Math.round(o.othersCpuMs) });
    }
  }
  console.log(`\ncollector + embedded kinesalite, batches of ${BATCH_EVENTS} events; capacity ${Math.round(capacity)} req/s (${Math.round(capacity * BATCH_EVENTS)} events/s); offered ${rate} req/s open loop over at most ${CONNECTIONS} connections for ${DURATION_MS / 1000} s`);
  console.log(`load average at start ${startLoad.map((x) => x.toFixed(1)).join(' ')}, at end ${loadavg().map((x) => x.toFixed(1)).join(' ')} (${availableParallelism()} cores; the machine is shared)`);
  console.table(rows);
  for (const [status, text] of Object.entries(runs.map((r) => r.o.r.samples).reduce((a, b) => ({ ...a, ...b }), {}))) {
    if (status !== '200') console.log(`a ${status} said: ${text.slice(0, 300)}`);
  }
  for (const { name, o } of runs) {
    console.log(`shedding ${name}: server CPU ${Math.round(o.cpuMs)} ms in ${Math.round(o.r.elapsedMs)} ms, other processes' CPU ${Math.round(o.othersCpuMs)} ms, longest event-loop delay ${Math.round(o.loopDelayMaxMs)} ms, GC ${Math.round(o.gcTotalMs)} ms (longest pause ${Math.round(o.gcMaxMs)} ms), RSS every ${RSS_SAMPLE_MS} ms (MiB): ${o.rssMiB.join(' ')}`);
  }
  if (TRACE_FILE !== undefined) {
    writeFileSync(TRACE_FILE, JSON.stringify(traced));
    console.log(`\nshedding on, per second (trace in ${TRACE_FILE}):`);
    console.table(traced.filter((p) => p.phase !== 'warm-up').flatMap((p) => traceWindows(p, TRACE_WINDOW_MS)));
  }
} finally {
  for (const s of servers) await stopBenchServer(s);
  rmSync(dataDir, { recursive: true, force: true });
}
