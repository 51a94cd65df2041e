import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { MAX_BODY_BYTES } from '../../../contract/limits.ts';
import { createCollectorApp } from '../../app.ts';
import type { EnrichedEvent } from '../../../contract/enriched.ts';
import { OVERLOAD_RETRY_AFTER_SECONDS } from '../../limits.ts';
import { batchBody, MemoryDeadLetters, realisticEvents, TEST_KEY, TEST_RETAILER } from '../../testing/fixtures.ts';
import type { EventSink } from '../../types.ts';
import { parseWriteKeys } from '../../write-keys.ts';
import { DECREASE_FACTOR, InFlight, reservedBytes } from './index.ts';
import { INITIAL_REQUESTS_IN_FLIGHT, MIN_REQUESTS_IN_FLIGHT } from '../../limits.ts';

const NOW = 1_750_000_000_000;
const NO_LIMITS = { keyEventsPerSecond: 0, keyBurstEvents: 0, addressRequestsPerSecond: 0, addressBurstRequests: 0 };

/** A sink whose writes wait until `release()`: batches stay in flight. */
function heldSink(): EventSink & { release(): void; written: EnrichedEvent[] } {
  let waiters: Array<() => void> = [];
  const written: EnrichedEvent[] = [];
  return {
    written,
    write: (events) => new Promise<void>((resolve) => waiters.push(() => (written.push(...events), resolve()))),
    release: () => waiters.splice(0).forEach((w) => w()),
    status: () => ({ healthy: true, streamUp: true, spool: { bytes: 0, events: 0, files: 0, maxBytes: 0 } }),
    close: async () => undefined,
  };
}

function setup(maxRequests: number, maxBytes: number) {
  const sink = heldSink();
  const inFlight = new InFlight({ maxRequests, maxBytes, targetLatencyMs: 60_000 });
  const app = createCollectorApp({ writeKeys: parseWriteKeys(`${TEST_KEY}@${TEST_RETAILER}`), sink, deadLetters: new MemoryDeadLetters(), now: () => NOW, rateLimits: NO_LIMITS, log: pino({ level: 'silent' }), inFlight });
  const post = (prefix: string, n = 2, headers: Record<string, string> = {}) => {
    const body = batchBody(realisticEvents(n, NOW, prefix), NOW);
    return app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', 'x-write-key': TEST_KEY, 'content-length': String(Buffer.byteLength(body)), ...headers }, body });
  };
  return { app, sink, inFlight, post };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('admission (overload shedding)', () => {
  it('answers 503 + Retry-After beyond maxRequests batches in flight, and admits again once they finish', async () => {
    const { sink, inFlight, post, app } = setup(3, MAX_BODY_BYTES * 10);
    const held = [post('held_a'), post('held_b'), post('held_c')];
    await tick();
    expect(inFlight.requests).toBe(3);
    const shed = await post('shed_d');
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe(String(OVERLOAD_RETRY_AFTER_SECONDS));
    expect(((await shed.json()) as { error: string }).error).toMatch(/^collector overloaded: 3 batches \(\d+ bytes\) in flight, at most 3 now \(adaptive, MAX_REQUESTS_IN_FLIGHT 3\) and \d+ bytes \(MAX_BYTES_IN_FLIGHT\); retry after 1 s$/);
    sink.release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(inFlight.snapshot()).toMatchObject({ requests: 0, bytes: 0, shed: 1 });
    const again = post('again_e');
    await tick();
    sink.release();
    expect((await again).status).toBe(200);
    expect(sink.written.map((e) => e.event_id.split('_')[0])).not.toContain('shed');
    const metrics = (await (await app.request('/metrics')).json()) as { in_flight: unknown };
    expect(metrics.in_flight).toEqual({ requests: 0, bytes: 0, shed: 1, limit: 3, max_requests: 3, max_bytes: MAX_BODY_BYTES * 10, target_latency_ms: 60_000 });
  });

  it('answers 503 beyond maxBytes of bodies in flight; a gzip or chunked body counts as MAX_BODY_BYTES', async () => {
    const size = Buffer.byteLength(batchBody(realisticEvents(5, NOW, 'big_a'), NOW));
    const { sink, inFlight, post } = setup(100, Math.round(size * 1.5));
    const first = post('big_a', 5);
    await tick();
    expect(inFlight.requests).toBe(1);
    const second = await post('big_b', 5);
    expect(second.status).toBe(503);
    expect(((await second.json()) as { error: string }).error).toContain(`${Math.round(size * 1.5)} bytes (MAX_BYTES_IN_FLIGHT)`);
    sink.release();
    expect((await first).status).toBe(200);
    expect(reservedBytes('2000', undefined)).toBe(2000);
    expect(reservedBytes('2000', 'gzip')).toBe(MAX_BODY_BYTES);
    expect(reservedBytes(undefined, undefined)).toBe(MAX_BODY_BYTES);
    expect(reservedBytes(String(MAX_BODY_BYTES * 5), undefined)).toBe(MAX_BODY_BYTES);
  });

  it('always admits one batch, even one larger than maxBytes (no deadlock)', async () => {
    const { sink, post } = setup(10, 10);
    const r = post('lone_a', 2);
    await tick();
    sink.release();
    expect((await r).status).toBe(200);
  });

  it('releases the slot when a batch is refused or fails (400, sink error)', async () => {
    const { inFlight, app } = setup(1, MAX_BODY_BYTES);
    for (let i = 0; i < 3; i++) {
      const r = await app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', 'x-write-key': TEST_KEY }, body: '{not json' });
      expect(r.status).toBe(400);
    }
    expect(inFlight.snapshot()).toMatchObject({ requests: 0, bytes: 0, shed: 0 });
  });

  it('adapts the limit: slow start, cut by DECREASE_FACTOR at most once per target period when slow, then +1 per limit of fast batches when full', () => {
    let now = 0;
    // A small start and floor, so the arithmetic of each phase is visible.
    const INITIAL = 8;
    const FLOOR = 2;
    const gate = new InFlight({ maxRequests: 16, maxBytes: 1e9, targetLatencyMs: 50, initialRequests: INITIAL, minRequests: FLOOR }, () => now);
    const serve = (n: number, ms: number) => {
      for (let i = 0; i < n; i++) expect(gate.tryEnter(1)).toBe(true);
      for (let i = 0; i < n; i++) gate.leave(1, ms);
    };
    expect(gate.limit).toBe(INITIAL);
    serve(INITIAL, 10); // slow start: +1 per fast batch that found it full
    expect(gate.limit).toBe(INITIAL + 1);
    serve(3, 80); // slow: one cut only within the same 50 ms
    expect(gate.limit).toBe((INITIAL + 1) * DECREASE_FACTOR);
    now += 50;
    serve(1, 80);
    expect(gate.limit).toBe((INITIAL + 1) * DECREASE_FACTOR ** 2);
    for (let i = 0; i < 40; i++) ((now += 50), serve(1, 500));
    expect(gate.limit).toBe(FLOOR);
    expect(gate.tryEnter(1) && gate.tryEnter(1)).toBe(true);
    expect(gate.tryEnter(1)).toBe(false); // at the floor
    gate.leave(1, 10);
    gate.leave(1, 10);
    expect(gate.limit).toBeCloseTo(FLOOR + 1 / FLOOR); // only the batch that found it full grows it
    serve(1, 10); // not full: no growth
    expect(gate.limit).toBeCloseTo(FLOOR + 1 / FLOOR);
    for (let i = 0; i < 2_000; i++) serve(Math.floor(gate.limit), 10);
    expect(gate.limit).toBe(16); // never above maxRequests
    gate.tryEnter(1);
    gate.leave(1); // refused before service (no time): no change
    expect(gate.limit).toBe(16);
  });

  it('never sheds below MIN_REQUESTS_IN_FLIGHT batches, however slow they are served (a Kinesis outage slows each batch before it spools)', () => {
    let now = 0;
    const gate = new InFlight({}, () => now);
    expect(gate.limit).toBe(INITIAL_REQUESTS_IN_FLIGHT);
    for (let i = 0; i < 100; i++) {
      now += 1_000;
      for (let j = 0; j < MIN_REQUESTS_IN_FLIGHT; j++) expect(gate.tryEnter(1)).toBe(true);
      for (let j = 0; j < MIN_REQUESTS_IN_FLIGHT; j++) gate.leave(1, 5_000);
    }
    expect(gate.limit).toBe(MIN_REQUESTS_IN_FLIGHT);
    expect(gate.shed).toBe(0);
  });
});
