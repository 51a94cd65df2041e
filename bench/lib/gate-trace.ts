/**
 * Tracing for bench:overload --trace: wraps the admission gate's and the sink's
 * methods in the bench server's process (no change to the collector) and
 * records, in epoch ms, every admission (limit and in-flight at that moment),
 * every release (service time), every sink write (start and end), event-loop
 * lag (a 5 ms timer's lateness) and GC pauses; `take()` returns them and starts afresh.
 *
 * @example
 * const trace = installGateTrace(); ...; process.send(trace.take());
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { InFlight } from '../../collector/middleware/admission/index.ts';
import { DurableSink } from '../../collector/sinks/durable/index.ts';

/** One traced moment: `k` is the kind (enter, shed, leave, sink, lag, gc, http). */
export interface TracePoint {
  k: string;
  t: number;
  [field: string]: number | string;
}

const LAG_TICK_MS = 5;
const epoch = (): number => performance.timeOrigin + performance.now();

/** Starts tracing; the returned `take` hands over the points since the previous one. */
export function installGateTrace(): { take(): TracePoint[]; push(p: TracePoint): void } {
  let points: TracePoint[] = [];
  const push = (p: TracePoint): void => void points.push(p);
  const enter = InFlight.prototype.tryEnter;
  InFlight.prototype.tryEnter = function (this: InFlight, bytes: number): boolean {
    const limit = this.limit;
    const requests = this.requests;
    const ok = enter.call(this, bytes);
    push({ k: ok ? 'enter' : 'shed', t: epoch(), limit, requests });
    return ok;
  };
  const leave = InFlight.prototype.leave;
  InFlight.prototype.leave = function (this: InFlight, bytes: number, serviceMs?: number): void {
    leave.call(this, bytes, serviceMs);
    push({ k: 'leave', t: epoch(), serviceMs: serviceMs ?? -1, limit: this.limit, requests: this.requests });
  };
  const write = DurableSink.prototype.write;
  DurableSink.prototype.write = async function (this: DurableSink, events) {
    const t = epoch();
    try {
      return await write.call(this, events);
    } finally {
      push({ k: 'sink', t, ms: epoch() - t });
    }
  };
  // Each Kinesis call (PutRecords: records in the call) with its start and duration.
  const send = KinesisClient.prototype.send as (...a: unknown[]) => Promise<unknown>;
  (KinesisClient.prototype as unknown as { send: (...a: unknown[]) => Promise<unknown> }).send = async function (this: KinesisClient, ...a: unknown[]) {
    const t = epoch();
    const input = (a[0] as { input?: { Records?: unknown[] } }).input;
    try {
      return await send.apply(this, a);
    } finally {
      push({ k: 'put', t, ms: epoch() - t, records: input?.Records?.length ?? 0 });
    }
  };
  // Embedded kinesalite's LevelDB operations (leveldown, native, on libuv's thread pool): start and duration.
  type Callback = (...r: unknown[]) => void;
  const leveldown = createRequire(import.meta.url)('leveldown') as { prototype: Record<string, (...a: unknown[]) => void> };
  for (const op of ['_get', '_put', '_batch']) {
    const original = leveldown.prototype[op]!;
    leveldown.prototype[op] = function (this: unknown, ...a: unknown[]) {
      const t = epoch();
      const callback = a.at(-1) as Callback;
      a[a.length - 1] = (...r: unknown[]) => {
        push({ k: 'db', t, ms: epoch() - t, op, n: op === '_batch' ? (a[0] as unknown[]).length : 1 });
        callback(...r);
      };
      original.apply(this, a);
    };
  }
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    push({ k: 'lag', t: epoch(), ms: now - last - LAG_TICK_MS });
    last = now;
  }, LAG_TICK_MS).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) push({ k: 'gc', t: performance.timeOrigin + e.startTime, ms: e.duration, kind: ((e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0) });
  }).observe({ entryTypes: ['gc'] });
  return {
    take: () => {
      const taken = points;
      points = [];
      return taken;
    },
    push,
  };
}

/** One traced phase: the client's timeline (ms since `originEpochMs`) and the server's points. */
export interface TracedPhase {
  phase: string;
  originEpochMs: number;
  timeline: Array<{ at: number; status: string; ms: number }>;
  server: TracePoint[];
}

/** The q-quantile (0..1) of `xs`, nearest rank; NaN when empty. */
function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Per `windowMs` of a phase (by send time): accepted batches and their p99 at the client,
 * the PutRecords calls' p50 and longest, the gate's limit, the longest event-loop lag and the GC time.
 */
export function traceWindows(p: TracedPhase, windowMs: number): Array<Record<string, string | number>> {
  const rows: Array<Record<string, string | number>> = [];
  const end = Math.max(0, ...p.timeline.map((e) => e.at));
  for (let from = 0; from <= end; from += windowMs) {
    const within = (at: number): boolean => at >= from && at < from + windowMs;
    const ok = p.timeline.filter((e) => e.status === '200' && within(e.at)).map((e) => e.ms);
    const points = p.server.filter((s) => within(s.t - p.originEpochMs));
    const of = (k: string): TracePoint[] => points.filter((s) => s.k === k);
    const puts = of('put').filter((s) => Number(s.records) > 0).map((s) => Number(s.ms));
    const limits = [...of('enter'), ...of('shed')].map((s) => Number(s.limit));
    const r = (x: number): number => Math.round(x);
    rows.push({
      phase: p.phase,
      fromMs: from,
      accepted: ok.length,
      acceptedP99Ms: r(quantile(ok, 0.99)),
      putP50Ms: r(quantile(puts, 0.5)),
      putMaxMs: r(quantile(puts, 1)),
      limit: limits.length ? `${Math.floor(Math.min(...limits))}-${Math.floor(Math.max(...limits))}` : '-',
      loopLagMaxMs: r(Math.max(0, ...of('lag').map((s) => Number(s.ms)))),
      gcMs: r(of('gc').reduce((ms, s) => ms + Number(s.ms), 0)),
    });
  }
  return rows;
}
