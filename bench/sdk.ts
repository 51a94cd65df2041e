/**
 * SDK tracking overhead (issue 3): events per ms of main-thread time, in one
 * run, against two baselines doing the least any tracker must do.
 *
 *   baseline noop       push the props to an array (the cost of a call)
 *   baseline stringify  build the same event object with a fresh id and JSON.stringify it
 *   sdk memory          tracker.track() with an in-memory queue, everything then posted to a
 *                       fetch that answers 200 at once (queueing, batching, body building, acks)
 *   sdk persisted       same, queue mirrored to a Storage (Map-backed here), one event per
 *                       task so every event pays a queue write, as heartbeats do in a page
 *   sdk ivs             fake-player signals through trackIvsPlayer (state changes, cues,
 *                       quality switches) into the tracker
 *
 * Time is wall time of a synchronous loop plus the awaited flushes, all on
 * the one thread, median of ROUNDS. Node, not a browser: localStorage in a
 * browser costs more per write than the Map used here.
 *
 * @example
 * npm run bench:sdk -- --events 20000 --rounds 5
 */
import { parseArgs } from 'node:util';
import { createIdFactory } from '../sdk/identity.ts';
import { createTracker, type Tracker } from '../sdk/tracker.ts';
import { trackIvsPlayer } from '../sdk/ivs.ts';
import { createMemoryStorage } from '../sdk/testing/fake-fetch.ts';
import type { FetchLike } from '../sdk/transport.ts';
import { createFakePlayer } from '../sdk/testing/fake-player.ts';

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
const PROPS = { watch_ms: 10_000, latency_ms: 3_100, bitrate_kbps: 2_500, quality: '720p' };

/** A collector that answers at once and reads nothing: the bench measures the page's side only. */
const instantFetch: FetchLike = async () => ({ status: 200, headers: { get: () => null }, text: async () => '{"rejected":[]}' });

const newTracker = (persisted: boolean): Tracker =>
  createTracker({
    endpoint: 'http://collector.bench',
    writeKey: 'bench_key',
    showId: 'show-bench',
    creatorId: 'creator-bench',
    fetch: instantFetch,
    storage: persisted ? createMemoryStorage() : null,
    lifecycle: null,
    sendBeacon: null,
    flushIntervalMs: 3_600_000,
    maxQueuedEvents: EVENTS + 1,
  });

const cases: Record<string, () => Promise<void>> = {
  'baseline noop': async () => {
    const sink: unknown[] = [];
    for (let i = 0; i < EVENTS; i++) sink.push(PROPS);
  },
  'baseline stringify': async () => {
    const newId = createIdFactory();
    let bytes = 0;
    for (let i = 0; i < EVENTS; i++) {
      const event = { event_id: newId(), type: 'heartbeat', ts: Date.now(), viewer_id: 'v', session_id: 's', show_id: 'show-bench', creator_id: 'creator-bench', props: PROPS };
      bytes += JSON.stringify(event).length;
    }
    if (bytes === 0) throw new Error('unreachable');
  },
  'sdk memory': async () => {
    const t = newTracker(false);
    for (let i = 0; i < EVENTS; i++) t.track('heartbeat', PROPS);
    await t.destroy();
    if (t.stats().accepted !== EVENTS) throw new Error(`sent ${t.stats().accepted} of ${EVENTS}`);
  },
  'sdk persisted': async () => {
    const t = newTracker(true);
    for (let i = 0; i < EVENTS; i++) {
      t.track('heartbeat', PROPS);
      await Promise.resolve(); // end of task: the queue write runs
    }
    await t.destroy();
    if (t.stats().accepted !== EVENTS) throw new Error(`sent ${t.stats().accepted} of ${EVENTS}`);
  },
  'sdk ivs': async () => {
    const t = newTracker(false);
    const player = createFakePlayer();
    const untrack = trackIvsPlayer(t, player, { heartbeatIntervalMs: 60_000 });
    player.load();
    // Each loop emits 5 tracked signals: startup or buffer_end, buffer_start, quality_change, impression, ...
    for (let i = 0; i < EVENTS / 4; i++) {
      player.play();
      player.rebuffer();
      player.setQuality(i % 2 ? '720p' : '360p');
      player.cue({ type: 'product', product_id: `p${i % 7}`, offer_id: 'o1' });
    }
    untrack();
    await t.destroy();
  },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: { name: string; ms: number; perMs: number }[] = [];
for (const [name, run] of Object.entries(cases)) {
  await run(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  results.push({ name, ms, perMs: EVENTS / ms });
}
const base = results.find((r) => r.name === 'baseline stringify')!;
console.log(`sdk overhead, ${EVENTS} events, median of ${ROUNDS} rounds (node ${process.version})`);
console.log('case                 events/ms   µs/event   × stringify baseline');
for (const r of results) {
  console.log(`${r.name.padEnd(20)} ${r.perMs.toFixed(0).padStart(9)} ${((r.ms * 1000) / EVENTS).toFixed(2).padStart(10)} ${(r.ms / base.ms).toFixed(2).padStart(12)}`);
}
