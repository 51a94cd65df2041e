/**
 * Overload shedding over a real socket, with the real SDK: once the
 * collector's batches in flight reach its limit, the next POST gets 503 +
 * Retry-After before its body is read; the SDK's transport reads the
 * Retry-After, and its tracker waits that long before sending again, then
 * gets its events in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../collector/log.ts';
import { OVERLOAD_RETRY_AFTER_SECONDS } from '../collector/limits.ts';
import { startCollector, type CollectorHandle } from '../collector/node.ts';
import { batchBody, realisticEvents, TEST_KEY, TEST_RETAILER } from '../collector/testing/fixtures.ts';
import type { EnrichedEvent } from '../contract/enriched.ts';
import type { EventSink } from '../collector/types.ts';
import { createTracker } from '../sdk/tracker.ts';
import { createTransport } from '../sdk/transport.ts';
import { createMemoryStorage } from '../sdk/testing/fake-fetch.ts';


/** A sink whose writes wait for `release()`, so that batches stay in flight. */
function heldSink(): EventSink & { release(): void; written: EnrichedEvent[]; hold: boolean } {
  const waiting: Array<() => void> = [];
  const sink = {
    hold: true,
    written: [] as EnrichedEvent[],
    write: (events: EnrichedEvent[]) =>
      new Promise<void>((resolve) => {
        const done = () => (sink.written.push(...events), resolve());
        if (sink.hold) waiting.push(done);
        else done();
      }),
    release: () => {
      sink.hold = false;
      waiting.splice(0).forEach((w) => w());
    },
    status: () => ({ healthy: true, streamUp: true, spool: { bytes: 0, events: 0, files: 0, maxBytes: 0 } }),
    close: async () => undefined,
  };
  return sink;
}

const MAX_IN_FLIGHT = 2;
let collector: CollectorHandle | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(sink: EventSink): Promise<CollectorHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), 'livelens-overload-'));
  dirs.push(dataDir);
  collector = await startCollector({
    dataDir,
    port: 0,
    writeKeys: `${TEST_KEY}@${TEST_RETAILER}`,
    sink,
    log: createLogger('silent'),
    rateLimits: { addressRequestsPerSecond: 0, keyEventsPerSecond: 0 },
    admission: { maxRequests: MAX_IN_FLIGHT, initialRequests: MAX_IN_FLIGHT },
  });
  return collector;
}

const post = (c: CollectorHandle, prefix: string) =>
  fetch(`${c.url}/v1/events?key=${TEST_KEY}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: batchBody(realisticEvents(3, Date.now(), prefix), Date.now()) });

async function untilInFlight(c: CollectorHandle, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const m = (await (await fetch(`${c.url}/metrics`)).json()) as { in_flight: { requests: number } };
    if (m.in_flight.requests >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never ${n} batches in flight`);
}

describe('overload shedding over a socket', () => {
  it('answers 503 + Retry-After beyond the limit, and the SDK transport reads the Retry-After', async () => {
    const sink = heldSink();
    const c = await start(sink);
    const held = [post(c, 'held_a'), post(c, 'held_b')];
    await untilInFlight(c, MAX_IN_FLIGHT);
    const shed = await post(c, 'shed_c');
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe(String(OVERLOAD_RETRY_AFTER_SECONDS));
    expect(((await shed.json()) as { error: string }).error).toMatch(/^collector overloaded: 2 batches/);
    const transport = createTransport({ endpoint: c.url, writeKey: TEST_KEY, fetch: (url, init) => fetch(url, init) });
    const outcome = await transport._send(batchBody(realisticEvents(1, Date.now(), 'sdk_d'), Date.now()));
    expect(outcome).toMatchObject({ _kind: 'retry', _retryAfterMs: OVERLOAD_RETRY_AFTER_SECONDS * 1000, _reason: expect.stringMatching(/^HTTP 503 .*collector overloaded/) });
    sink.release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect(sink.written.map((e) => e.event_id.split('_')[0])).toEqual(['held', 'held', 'held', 'held', 'held', 'held']);
  });

  it('the SDK tracker waits the Retry-After, then delivers every event once', async () => {
    const sink = heldSink();
    const c = await start(sink);
    const held = [post(c, 'held_a'), post(c, 'held_b')];
    await untilInFlight(c, MAX_IN_FLIGHT);
    const sends: number[] = [];
    const tracker = createTracker({
      endpoint: c.url,
      writeKey: TEST_KEY,
      showId: 'show-1',
      creatorId: 'creator-1',
      fetch: (url, init) => (sends.push(Date.now()), fetch(url, init)),
      storage: createMemoryStorage(),
      lifecycle: null,
      sendBeacon: null,
      warn: () => undefined,
    });
    const ids = [tracker.chat(1), tracker.chat(2), tracker.chat(3)];
    await tracker.flush(); // 503: the tracker schedules its retry
    expect(tracker.stats()).toMatchObject({ retries: 1, accepted: 0, queued: 3 });
    sink.release();
    await Promise.all(held);
    for (let i = 0; i < 300 && tracker.stats().accepted < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(tracker.stats()).toMatchObject({ accepted: 3, queued: 0 });
    expect(sends).toHaveLength(2);
    expect(sends[1]! - sends[0]!).toBeGreaterThanOrEqual(OVERLOAD_RETRY_AFTER_SECONDS * 1000 - 5);
    expect(sink.written.filter((e) => !e.event_id.startsWith('held_')).map((e) => e.event_id).sort()).toEqual([...ids].sort());
    await tracker.destroy();
  });
});
