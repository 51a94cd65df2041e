/**
 * Collector benchmark (issue 2), one run, three servers each in its own
 * process, loaded over loopback by autocannon with batches of 50 realistic
 * events: (a) bare Hono that only parses the same JSON, (b) the collector
 * with a no-op sink, (c) the collector with embedded kinesalite, and (d)
 * kinesalite's raw rate (one record per event, no collector). Prints
 * events/s, p50/p99 latency, peak RSS, the ratios b/a, c/a and c/d, then an
 * overload phase on (c) sampling RSS to show memory stays bounded.
 *
 * @example
 * npm run bench:collector -- --duration 5 --rounds 3 --connections 32 --overload 60
 * npm run bench:collector -- --batch 2 --record bench/results/collector.json   # docs/scale.md reads this
 */
import autocannon from 'autocannon';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { batchBody, DESKTOP_UA, realisticEvents } from '../collector/testing/fixtures.ts';
import { askMemory, startBenchServer, stopBenchServer, type BenchServer } from './lib/bench-server-process.ts';

/** Events per request by default (`--batch` changes it). */
export const DEFAULT_BENCH_BATCH_EVENTS = 50;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    overload: { type: 'string', default: '10' },
    'overload-connections': { type: 'string', default: '256' },
    batch: { type: 'string', default: String(DEFAULT_BENCH_BATCH_EVENTS) },
    /** Write the medians as JSON to this file (docs/scale.md reads bench/results/collector.json). */
    record: { type: 'string' },
  },
});
const BENCH_BATCH_EVENTS = Number(args.batch);
const DURATION_S = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const ROUNDS = Number(args.rounds);
const OVERLOAD_S = Number(args.overload);
const OVERLOAD_CONNECTIONS = Number(args['overload-connections']);

type Server = BenchServer;

function memory(s: Server): Promise<{ peakRssBytes: number; rssBytes: number }> {
  return askMemory<{ peakRssBytes: number; rssBytes: number }>(s);
}


function load(s: Server, seconds: number, connections: number): Promise<autocannon.Result> {
  const now = Date.now();
  return autocannon({
    url: `${s.url}/v1/events`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-write-key': s.key, 'user-agent': DESKTOP_UA },
    body: batchBody(realisticEvents(BENCH_BATCH_EVENTS, now), now),
    connections,
    duration: seconds,
  });
}

interface Run {
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

const VARIANTS = [
  ['bare', '(a) bare Hono, JSON parse only'],
  ['noop', '(b) collector, no-op sink'],
  ['kinesis', '(c) collector + embedded kinesalite'],
  ['raw', '(d) kinesalite raw: 1 record per event'],
] as const;
const MIB = 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-bench-'));
const servers: Server[] = [];
try {
  for (const [variant] of VARIANTS) servers.push(await startBenchServer(variant, join(dataDir, variant)));
  for (const s of servers) await load(s, 1, CONNECTIONS); // warm-up: JIT, sockets, first PutRecords
  // Rounds interleave the variants so that load from other processes on the machine hits all of them alike.
  const runs: Run[][] = VARIANTS.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let v = 0; v < servers.length; v++) {
      const r = await load(servers[v]!, DURATION_S, CONNECTIONS);
      runs[v]!.push({ eventsPerSecond: Math.round((r['2xx'] * BENCH_BATCH_EVENTS) / r.duration), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx + r.errors });
    }
  }
  const rows: Array<{ variant: string; eventsPerSecond: number; rounds: string; p50Ms: number; p99Ms: number; peakRssMiB: number; non2xx: number }> = [];
  for (let v = 0; v < servers.length; v++) {
    const mem = await memory(servers[v]!);
    const rs = runs[v]!;
    rows.push({
      variant: VARIANTS[v]![1],
      eventsPerSecond: median(rs.map((r) => r.eventsPerSecond)),
      rounds: rs.map((r) => r.eventsPerSecond).join(' '),
      p50Ms: median(rs.map((r) => r.p50Ms)),
      p99Ms: median(rs.map((r) => r.p99Ms)),
      peakRssMiB: Math.round(mem.peakRssBytes / MIB),
      non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
    });
  }
  console.log(`\nbatches of ${BENCH_BATCH_EVENTS} events, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${DURATION_S} s; medians`);
  console.table(rows);
  const [a, b, c, d] = rows.map((r) => r.eventsPerSecond);
  console.log(`b/a = ${(b! / a!).toFixed(2)} (target >= 0.6)   c/a = ${(c! / a!).toFixed(2)}   c/d = ${(c! / d!).toFixed(2)} (packing vs one record per event)`);
  if (args.record) {
    mkdirSync(dirname(args.record), { recursive: true });
    const measurement = {
      measured_at: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, load_average_1m: Number(loadavg()[0]!.toFixed(1)) },
      note: 'each server is one Node process (one core for its JavaScript); the machine may have been shared with other work',
      batch_events: BENCH_BATCH_EVENTS, connections: CONNECTIONS, rounds: ROUNDS, duration_s: DURATION_S,
      variants: Object.fromEntries(VARIANTS.map(([v], i) => [v, rows[i]])),
    };
    writeFileSync(args.record, JSON.stringify(measurement, null, 2) + '\n');
    console.log(`recorded in ${args.record}`);
  }

  if (OVERLOAD_S > 0) {
    const s = servers[2]!;
    const samples: number[] = [];
    const sampler = setInterval(() => void memory(s).then((m) => samples.push(Math.round(m.rssBytes / MIB))), 2_000);
    const o = await load(s, OVERLOAD_S, OVERLOAD_CONNECTIONS);
    clearInterval(sampler);
    const after = await memory(s);
    console.log(`\noverload on (c): ${OVERLOAD_S} s, ${OVERLOAD_CONNECTIONS} connections: ${Math.round((o['2xx'] * BENCH_BATCH_EVENTS) / o.duration)} events/s, p99 ${o.latency.p99} ms, non-2xx ${o.non2xx}, errors ${o.errors}`);
    console.log(`  RSS every 2 s (MiB): ${samples.join(' ')}; peak ${Math.round(after.peakRssBytes / MIB)} MiB`);
  }
} finally {
  for (const s of servers) await stopBenchServer(s);
  rmSync(dataDir, { recursive: true, force: true });
}
