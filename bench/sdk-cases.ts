/**
 * The cases of the SDK overhead bench, free of Node APIs so that the same
 * code runs in Node and, bundled, in Chromium (bench/sdk.ts runs both).
 *
 *   baseline noop       push the props to an array (the cost of a call)
 *   baseline stringify  build the same event object with a fresh id and JSON.stringify it
 *   sdk memory          tracker.track() with an in-memory queue, everything then posted to a
 *                       fetch that answers 200 at once (queueing, batching, body building, acks)
 *   sdk memory steady   same, flushing every 20 events, so the queue stays as small as in a page
 *   sdk persisted       same, queue mirrored to storage (localStorage in the browser, a Map in
 *                       Node), one event per task so every event pays a queue write, as
 *                       heartbeats do in a page
 *   sdk ivs             fake-player signals through trackIvsPlayer (state changes, cues,
 *                       quality switches) into the tracker
 *
 * @example
 * const rows = await runSdkBench(20_000, 5); // [{ name, ms, perMs }, ...]
 */
import { createIdFactory } from '../sdk/identity.ts';
import { trackIvsPlayer } from '../sdk/ivs.ts';
import type { KeyValueStorage } from '../sdk/queue.ts';
import { createMemoryStorage } from '../sdk/testing/fake-fetch.ts';
import { createFakePlayer } from '../sdk/testing/fake-player.ts';
import { createTracker, type Tracker } from '../sdk/tracker.ts';
import type { FetchLike } from '../sdk/transport.ts';

export interface BenchRow {
  name: string;
  /** Median wall time of one round (ms). */
  ms: number;
  /** Events per ms of main-thread time. */
  perMs: number;
}

const PROPS = { watch_ms: 10_000, latency_ms: 3_100, bitrate_kbps: 2_500, quality: '720p' };

/** A collector that answers at once and reads nothing: the bench measures the page's side only. */
const instantFetch: FetchLike = async () => ({ status: 200, headers: { get: () => null }, text: async () => '{"rejected":[]}' });

/** Runs every case `rounds` times (after one warm-up) with `events` events each. */
export async function runSdkBench(events: number, rounds: number, storage: KeyValueStorage = createMemoryStorage()): Promise<BenchRow[]> {
  const newTracker = (persisted: boolean): Tracker =>
    createTracker({
      endpoint: 'http://collector.bench',
      writeKey: 'bench_key',
      showId: 'show-bench',
      creatorId: 'creator-bench',
      fetch: instantFetch,
      storage: persisted ? storage : null,
      lifecycle: null,
      sendBeacon: null,
      flushIntervalMs: 3_600_000,
      maxQueuedEvents: events + 1,
    });
  const check = (t: Tracker) => {
    if (t.stats().accepted < events) throw new Error(`sent ${t.stats().accepted} of ${events}`);
  };
  const cases: Record<string, () => Promise<void>> = {
    'baseline noop': async () => {
      const sink: unknown[] = [];
      for (let i = 0; i < events; i++) sink.push(PROPS);
    },
    'baseline stringify': async () => {
      const newId = createIdFactory();
      let bytes = 0;
      for (let i = 0; i < events; i++) {
        const e = { event_id: newId(), type: 'heartbeat', ts: Date.now(), viewer_id: 'v', session_id: 's', show_id: 'show-bench', creator_id: 'creator-bench', props: PROPS };
        bytes += JSON.stringify(e).length;
      }
      if (bytes === 0) throw new Error('unreachable');
    },
    'sdk memory': async () => {
      const t = newTracker(false);
      for (let i = 0; i < events; i++) t.track('heartbeat', PROPS);
      await t.destroy();
      check(t);
    },
    'sdk memory steady': async () => {
      const t = newTracker(false);
      for (let i = 0; i < events; i++) {
        t.track('heartbeat', PROPS);
        if (i % 20 === 19) await t.flush(); // the queue stays at page size (one batch)
      }
      await t.destroy();
      check(t);
    },
    'sdk persisted': async () => {
      const t = newTracker(true);
      for (let i = 0; i < events; i++) {
        t.track('heartbeat', PROPS);
        await Promise.resolve(); // end of task: the queue write runs
      }
      await t.destroy();
      check(t);
    },
    'sdk ivs': async () => {
      const t = newTracker(false);
      const player = createFakePlayer();
      const untrack = trackIvsPlayer(t, player, { heartbeatIntervalMs: 60_000 });
      player.load();
      // Four tracked events per loop: startup or buffer_end, buffer_start, quality_change, product_impression.
      for (let i = 0; i < events / 4; i++) {
        player.play();
        player.rebuffer();
        player.setQuality(i % 2 ? '720p' : '360p');
        player.cue({ type: 'product', product_id: `p${i % 7}`, offer_id: 'o1' });
      }
      untrack();
      await t.destroy();
      check(t);
    },
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows: BenchRow[] = [];
  for (const [name, run] of Object.entries(cases)) {
    await run();
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    rows.push({ name, ms, perMs: events / ms });
  }
  return rows;
}

/** The rows as a table, with each case's time relative to the stringify baseline. */
export function formatBench(title: string, rows: BenchRow[], events: number): string {
  const base = rows.find((r) => r.name === 'baseline stringify')!;
  return [
    title,
    'case                 events/ms   µs/event   × stringify baseline',
    ...rows.map(
      (r) =>
        `${r.name.padEnd(20)} ${r.perMs.toFixed(0).padStart(9)} ${((r.ms * 1000) / events).toFixed(2).padStart(10)} ${(r.ms / base.ms).toFixed(2).padStart(12)}`,
    ),
  ].join('\n');
}
