/**
 * A small HTTP load generator for the overload benchmark: closed loop (N
 * requests outstanding, each sent as soon as the previous one answers) to
 * measure capacity, and open loop (a fixed arrival rate, at most N
 * outstanding: an arrival that finds every connection busy is counted as
 * `unsent`) to offer a multiple of it. Latencies are kept per status, so the
 * p99 of accepted requests is not mixed with fast refusals.
 *
 * @example
 * const r = await openLoop({ url, headers, body, ratePerSecond: 1200, durationMs: 5000, maxOutstanding: 256 });
 * percentile(r.latencies[200] ?? [], 0.99);
 */
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Connections kept open; at most this many requests outstanding. */
  maxOutstanding: number;
  durationMs: number;
  /**
   * A cheap URL (e.g. `/healthz`) fetched on `maxOutstanding` connections at once before
   * the clock starts, so that connections are open, as a CDN's or load balancer's are, and
   * the run measures requests, not a storm of TCP handshakes.
   */
  connectUrl?: string;
}

export interface LoadResult {
  /** Latencies (ms) by status code ("error" for a failed request). */
  latencies: Record<string, number[]>;
  /** Every answer: when it was sent (ms since the start), its status and latency (ms). */
  timeline: Array<{ at: number; status: string; ms: number }>;
  /** The first answer body seen for each status (what a refusal said). */
  samples: Record<string, string>;
  /** Arrivals dropped because every connection was busy (open loop only). */
  unsent: number;
  elapsedMs: number;
  /** Epoch ms of the timeline's zero (to line it up with a server's trace). */
  originEpochMs: number;
  /** The load generator's own longest event-loop delay (ms): high means its latencies include its own waiting. */
  loopDelayMaxMs: number;
}

/** The q-quantile (0..1) of `xs`, nearest rank; NaN when empty. */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function sender(target: LoadTarget) {
  const agent = new Agent({ keepAlive: true, maxSockets: target.maxOutstanding });
  const url = new URL(target.url);
  const body = Buffer.from(target.body);
  const headers = { ...target.headers, 'content-length': String(body.length) };
  const latencies: Record<string, number[]> = {};
  const samples: Record<string, string> = {};
  const timeline: LoadResult['timeline'] = [];
  let origin = performance.now();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  let outstanding = 0;
  const send = (): Promise<void> =>
    new Promise((resolve) => {
      outstanding++;
      const started = performance.now();
      const done = (status: string): void => {
        outstanding--;
        const ms = performance.now() - started;
        (latencies[status] ??= []).push(ms);
        timeline.push({ at: started - origin, status, ms });
        resolve();
      };
      const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers }, (res) => {
        const status = String(res.statusCode);
        if (samples[status] === undefined) {
          samples[status] = '';
          res.on('data', (d: Buffer) => (samples[status] += d.toString()));
        } else res.resume();
        res.once('end', () => done(status));
        res.once('error', () => done('error'));
      });
      req.once('error', (err) => {
        samples.error ??= err.message;
        done('error');
      });
      req.end(body);
    });
  const close = (): number => {
    agent.destroy();
    loopDelay.disable();
    return loopDelay.max / 1e6;
  };
  /** Opens up to `maxOutstanding` keep-alive connections (each GET of `connectUrl` at once takes one). */
  const connect = async (): Promise<void> => {
    if (target.connectUrl === undefined) return;
    const u = new URL(target.connectUrl);
    await Promise.all(
      Array.from({ length: target.maxOutstanding }, () =>
        new Promise<void>((resolve) => {
          const req = request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'GET' }, (res) => {
            res.resume();
            res.once('end', resolve);
          });
          req.once('error', () => resolve());
          req.end();
        }),
      ),
    );
    origin = performance.now();
  };
  return { send, connect, latencies, samples, timeline, outstanding: () => outstanding, close, originEpochMs: () => performance.timeOrigin + origin };
}

/** Keeps `maxOutstanding` requests in flight for `durationMs`. */
export async function closedLoop(target: LoadTarget): Promise<LoadResult> {
  const s = sender(target);
  await s.connect();
  const started = performance.now();
  const end = started + target.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) await s.send();
  };
  await Promise.all(Array.from({ length: target.maxOutstanding }, worker));
  const elapsedMs = performance.now() - started;
  const loopDelayMaxMs = s.close();
  return { latencies: s.latencies, samples: s.samples, timeline: s.timeline, unsent: 0, elapsedMs, originEpochMs: s.originEpochMs(), loopDelayMaxMs };
}

/** Sends `ratePerSecond` requests evenly spread (1 ms ticks) for `durationMs`. */
export async function openLoop(target: LoadTarget & { ratePerSecond: number }): Promise<LoadResult> {
  const s = sender(target);
  await s.connect();
  const pending = new Set<Promise<void>>();
  let unsent = 0;
  let due = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - started >= target.durationMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      const shouldHaveSent = Math.floor(((now - started) / 1000) * target.ratePerSecond);
      for (; due < shouldHaveSent; due++) {
        if (s.outstanding() >= target.maxOutstanding) {
          unsent++;
          continue;
        }
        const p = s.send();
        pending.add(p);
        void p.then(() => pending.delete(p));
      }
    }, 1);
  });
  await Promise.all(pending);
  const elapsedMs = performance.now() - started;
  const loopDelayMaxMs = s.close();
  return { latencies: s.latencies, samples: s.samples, timeline: s.timeline, unsent, elapsedMs, originEpochMs: s.originEpochMs(), loopDelayMaxMs };
}
