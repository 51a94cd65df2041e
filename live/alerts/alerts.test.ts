import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { LiveFigures, LiveRegionGroup, LiveSnapshot } from '../snapshot.ts';
import { AlertEvaluator } from './evaluator.ts';
import { DEFAULT_ALERT_RULES, parseAlertRules } from './rules.ts';
import { MAX_ATTEMPTS, WebhookQueue } from './webhook-queue.ts';

const T0 = 1_800_000_000_000;
const BASE: LiveFigures = {
  concurrent_viewers: 50, sessions: 60, startup_p50_ms: 900, startup_p95_ms: 2_000, rebuffer_pct: 0.5, latency_p50_ms: 2_500,
  latency_p95_ms: 3_000, playback_failure_pct: 0, ebvs_pct: 3, events_per_s: 10, clicks: 2, chat_messages: 5,
};
const group = (f: Partial<LiveFigures> = {}, region = 'BR'): LiveRegionGroup => ({ retailer_id: 'acme', region, ...BASE, ...f });
const snap = (at: number, groups: LiveRegionGroup[]): LiveSnapshot => ({ at, window_s: 300, groups, shows: [] });

/** A webhook receiver on loopback answering `status()` to each POST and recording the bodies. */
async function receiver(status: () => number = () => 200): Promise<{ url: string; bodies: unknown[]; server: Server }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

describe('alert rules', () => {
  it('parses the defaults and refuses a bad rule with one line naming it', () => {
    expect(parseAlertRules(DEFAULT_ALERT_RULES)).toEqual([
      { text: 'latency_p95_ms>8000', metric: 'latency_p95_ms', op: '>', threshold: 8000 },
      { text: 'rebuffer_pct>2', metric: 'rebuffer_pct', op: '>', threshold: 2 },
      { text: 'playback_failure_pct>5', metric: 'playback_failure_pct', op: '>', threshold: 5 },
    ]);
    expect(parseAlertRules(' concurrent_viewers < 10 ')[0]).toMatchObject({ text: 'concurrent_viewers<10', op: '<', threshold: 10 });
    expect(() => parseAlertRules('latency_p95_ms>8000,latency>5')).toThrow(/^alert rule "latency>5" .*unknown metric "latency".*latency_p95_ms/);
    expect(() => parseAlertRules('rebuffer_pct>=2')).toThrow('alert rule "rebuffer_pct>=2"');
    expect(() => parseAlertRules('rebuffer_pct>2,')).toThrow('alert rule ""');
  });
});

describe('alerts through a webhook receiver on 127.0.0.1', () => {
  it('a latency spike fires once, stays quiet during the cool-down, resolves, and fires again after it', async () => {
    const hook = await receiver();
    servers.push(hook.server);
    const ev = new AlertEvaluator({ rules: parseAlertRules(DEFAULT_ALERT_RULES), minViewers: 20, cooldownS: 600 });
    const q = new WebhookQueue({ url: hook.url });
    const run = (at: number, latency: number) => ev.evaluate(snap(at, [group({ latency_p95_ms: latency })])).forEach((n) => q.enqueue(n));
    run(T0, 3_000);
    run(T0 + 1_000, 9_000); // fires
    run(T0 + 2_000, 9_500); // still holding: nothing new
    run(T0 + 3_000, 3_000); // resolves
    run(T0 + 4_000, 9_000); // holds again inside the cool-down: quiet
    run(T0 + 5_000, 3_000);
    run(T0 + 601_000, 9_000); // cool-down since the first firing passed: fires
    await q.idle();
    expect(hook.bodies).toEqual([
      { status: 'firing', rule: 'latency_p95_ms>8000', metric: 'latency_p95_ms', value: 9_000, threshold: 8_000, retailer_id: 'acme', region: 'BR', at: T0 + 1_000 },
      { status: 'resolved', rule: 'latency_p95_ms>8000', metric: 'latency_p95_ms', value: 3_000, threshold: 8_000, retailer_id: 'acme', region: 'BR', at: T0 + 3_000 },
      { status: 'firing', rule: 'latency_p95_ms>8000', metric: 'latency_p95_ms', value: 9_000, threshold: 8_000, retailer_id: 'acme', region: 'BR', at: T0 + 601_000 },
    ]);
    expect(q.stats).toMatchObject({ delivered: 3, failed: 0, dropped: 0 });
  });

  it('below the minimum audience never fires; falling under it, or the group leaving, resolves; null never holds', () => {
    const ev = new AlertEvaluator({ rules: parseAlertRules('rebuffer_pct>2'), minViewers: 20, cooldownS: 600 });
    expect(ev.evaluate(snap(T0, [group({ concurrent_viewers: 19, rebuffer_pct: 40 })]))).toEqual([]);
    expect(ev.evaluate(snap(T0 + 1, [group({ rebuffer_pct: null })]))).toEqual([]);
    expect(ev.evaluate(snap(T0 + 2, [group({ rebuffer_pct: 3 })])).map((n) => n.status)).toEqual(['firing']);
    expect(ev.evaluate(snap(T0 + 3, [group({ concurrent_viewers: 5, rebuffer_pct: 3 })]))).toMatchObject([{ status: 'resolved', value: 3 }]);
    const other = new AlertEvaluator({ rules: parseAlertRules('rebuffer_pct>2'), minViewers: 20, cooldownS: 600 });
    other.evaluate(snap(T0, [group({ rebuffer_pct: 3 }), group({ rebuffer_pct: 3 }, 'US')]));
    expect(other.evaluate(snap(T0 + 1, [group({ rebuffer_pct: 3 })]))).toEqual([
      { status: 'resolved', rule: 'rebuffer_pct>2', metric: 'rebuffer_pct', value: null, threshold: 2, retailer_id: 'acme', region: 'US', at: T0 + 1 },
    ]);
  });

  it(`a failing webhook is retried ${MAX_ATTEMPTS} times with doubling backoff, then given up with a log line`, async () => {
    const hook = await receiver(() => 503);
    servers.push(hook.server);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
    const q = new WebhookQueue({ url: hook.url, log, backoffBaseMs: 10 });
    const started = Date.now();
    q.enqueue({ status: 'firing', rule: 'x' });
    await q.idle();
    expect(hook.bodies).toHaveLength(MAX_ATTEMPTS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 + 20 + 40 + 80 + 160);
    expect(q.stats).toMatchObject({ delivered: 0, failed: 1, retries: MAX_ATTEMPTS - 1 });
    const line = JSON.parse(lines.find((l) => l.includes('gave up'))!);
    expect(line.msg).toBe(`alert webhook gave up after ${MAX_ATTEMPTS} attempts (HTTP 503)`);
    expect(line.url).toBe(hook.url);
  });

  it('an attempt the webhook does not answer is cut off at its timeout and retried, then given up with a log line', async () => {
    // A receiver that reads each request and never answers (held until the test ends).
    const held: Array<{ end: () => void }> = [];
    const server = createServer((req, res) => {
      req.resume();
      held.push(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
    const timeoutMs = 60;
    const q = new WebhookQueue({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, log, backoffBaseMs: 5, attemptTimeoutMs: timeoutMs });
    const started = Date.now();
    q.enqueue({ status: 'firing', rule: 'x' });
    await q.idle();
    expect(held).toHaveLength(MAX_ATTEMPTS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(MAX_ATTEMPTS * timeoutMs);
    expect(q.stats).toMatchObject({ delivered: 0, failed: 1, retries: MAX_ATTEMPTS - 1 });
    expect(JSON.parse(lines.find((l) => l.includes('gave up'))!).msg).toBe(`alert webhook gave up after ${MAX_ATTEMPTS} attempts (no answer within ${timeoutMs} ms)`);
    for (const res of held) res.end();
  });

  it('a slow webhook never blocks the caller; past the waiting cap the oldest are dropped and counted', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const calls: string[] = [];
    const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      calls.push(String(init?.body));
      await gate;
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const q = new WebhookQueue({ url: 'http://127.0.0.1:9/hook', maxWaiting: 3, fetch: fakeFetch });
    for (let i = 0; i < 10; i++) q.enqueue({ i });
    expect(q.stats).toMatchObject({ enqueued: 10, dropped: 6, waiting: 3 }); // #0 in flight, #7-#9 waiting
    release();
    await q.idle();
    expect(calls.map((c) => JSON.parse(c).i)).toEqual([0, 7, 8, 9]);
  });

  it('srm: a running experiment whose sample-ratio test falls below p = 0.001 fires once', async () => {
    const hook = await receiver();
    servers.push(hook.server);
    const ev = new AlertEvaluator({ rules: [], minViewers: 20, cooldownS: 600 });
    const q = new WebhookQueue({ url: hook.url });
    const x = (a: number, b: number) => [{ retailer_id: 'acme', experiment_id: 'exp1', variants: { A: a, B: b }, last_seen: T0 }];
    expect(ev.evaluate(snap(T0, []), x(260, 240))).toEqual([]); // p ≈ 0.37
    for (const n of ev.evaluate(snap(T0 + 1_000, []), x(400, 250))) q.enqueue(n);
    for (const n of ev.evaluate(snap(T0 + 2_000, []), x(500, 300))) q.enqueue(n);
    await q.idle();
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({ status: 'firing', rule: 'srm', experiment_id: 'exp1', retailer_id: 'acme', at: T0 + 1_000 });
    const p = (hook.bodies[0] as { value: number }).value;
    expect(p).toBeLessThan(0.001);
    expect(p).toBeGreaterThan(0);
    // Planned weights change the verdict: 400/250 fits a 60/40 split.
    const weighted = new AlertEvaluator({ rules: [], minViewers: 20, cooldownS: 600, weightsOf: () => ({ A: 0.6, B: 0.4 }) });
    expect(weighted.evaluate(snap(T0, []), x(400, 250))).toEqual([]);
  });
});
