/**
 * The emitter: takes built events and delivers them to the collector
 * (Snowplow's split of a tracker into event building and an emitter).
 * It batches, retries with backoff, beacons at page hide and remembers
 * acknowledgements; it knows nothing of what an event means.
 *
 * Delivery is at least once: events leave the queue only when the collector
 * acknowledged them (200; the ones it lists in `rejected` are refused for
 * good and not retried) or refused the whole batch (400/401/413). Network
 * errors, 429 and 5xx are retried with backoff. An acknowledged event_id is
 * never sent again. Events handed to sendBeacon at unload stay queued and go
 * again from the next page (a beacon has no answer), so reports count events
 * once per event_id (docs/spec.md §4).
 *
 * @example
 * const [add, delivery] = createEmitter({ _transport: transport, store, now: Date.now, random: Math.random, timers, warn: console.warn });
 * add(event); await delivery.flush();
 */
import type { LiveEvent } from '../contract/events.ts';
import { MAX_EVENTS_PER_BATCH } from '../contract/limits.ts';
import type { HideReason, PageLifecycle } from './browser.ts';
import type { EventStore } from './queue.ts';
import { KEEPALIVE_MAX_BYTES, retryDelayMs, type Transport } from './transport.ts';

/** Default: a batch goes out as soon as this many events wait. */
export const BATCH_SIZE_EVENTS = 20;
/** Default: whatever waits is sent at least this often (ms). */
export const FLUSH_INTERVAL_MS = 5_000;
/**
 * Characters of JSON per fetch batch. With at most 3 UTF-8 bytes per
 * character this stays under the collector's 1 MiB body limit (MAX_BODY_BYTES).
 */
export const MAX_BATCH_CHARS = 300_000;
/** Acknowledged or refused event ids remembered so they are never sent again (a bound on memory). */
export const MAX_REMEMBERED_ACKS = 5_000;

/** setTimeout/clearTimeout, injectable for fake timers and the simulator. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Delivery counters since the emitter was created. */
export interface TrackerStats {
  /** Events waiting in the queue. */
  queued: number;
  /** Events the collector acknowledged. */
  accepted: number;
  /** Events the collector refused one by one (its `rejected` list). */
  rejected: number;
  /** Events dropped with a batch refused as a whole (400, 401, 413). */
  refused: number;
  /** Events dropped, oldest first, because the queue was full. */
  dropped: number;
  /** Failed attempts that were scheduled for retry. */
  retries: number;
}

/** Options of the emitter; `_` names are internal to the SDK and shortened in the bundle (sdk/build.ts, mangleProps). */
export interface EmitterOptions {
  _transport: Transport;
  store: EventStore;
  now: () => number;
  /** Uniform [0, 1) for retry jitter. */
  random: () => number;
  timers: Timers;
  /** One-time warnings about refused events. */
  warn: (message: string) => void;
  /** Page hide: beacon what waits (none in Node). */
  lifecycle?: PageLifecycle;
  /** Send as soon as this many events wait (default BATCH_SIZE_EVENTS). */
  batchSize?: number;
  /** Send whatever waits this often, in ms (default FLUSH_INTERVAL_MS). */
  flushIntervalMs?: number;
  /** First retry delay and longest backoff delay in ms (defaults in transport.ts). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** The delivery half of the tracker's API (the tracker spreads it into its own object). */
export interface Emitter {
  /** Sends everything queued now (ignoring any backoff wait); resolves when done or when a retry was scheduled. */
  flush(): Promise<void>;
  /** Runs `listener` when the page hides, before the queue is beaconed. */
  onHide(listener: (reason: HideReason) => void): () => void;
  stats(): TrackerStats;
  /** Stops timers and listeners, then makes one last attempt to send what is queued. */
  destroy(): Promise<void>;
}

/**
 * Creates the emitter and starts its flush interval. Returns `add`, which
 * queues an event (ignored after `destroy`; a batch goes out once
 * `batchSize` wait, unless a retry is pending), and the delivery methods.
 */
export function createEmitter(o: EmitterOptions): [add: (event: LiveEvent) => void, delivery: Emitter] {
  const { _transport: transport, store, now, timers } = o;
  const batchSize = o.batchSize ?? BATCH_SIZE_EVENTS;
  const flushIntervalMs = o.flushIntervalMs ?? FLUSH_INTERVAL_MS;
  const acked = new Set<string>();
  const beaconed = new Set<string>();
  const hideListeners = new Set<(reason: HideReason) => void>();
  const stats = { accepted: 0, rejected: 0, refused: 0, retries: 0 };
  let destroyed = false;
  let draining: Promise<void> | undefined;
  let attempt = 0;
  let retryAt = 0;
  let retryTimer: unknown;
  let intervalTimer: unknown;

  /** Counts `n` events rejected or refused; the first time a counter moves, warns (once per kind). */
  const count = (kind: 'rejected' | 'refused', n: number, message: string) => {
    if (n && !stats[kind]) o.warn(`livelens: ${message}`);
    stats[kind] += n;
  };
  /** The events to send: queued, never acknowledged, not already handed to a beacon on this page. */
  const sendable = (): LiveEvent[] => store.head(store.count()).filter((e) => !acked.has(e.event_id) && !beaconed.has(e.event_id));
  /** The body of the longest run of `events` whose JSON fits in `maxChars` (at most MAX_EVENTS_PER_BATCH), and how many it holds. */
  const nextBatch = (events: LiveEvent[], maxChars: number): [body: string, count: number] => {
    const parts: string[] = [];
    let chars = 40;
    for (const e of events) {
      const json = JSON.stringify(e);
      if (parts.length >= MAX_EVENTS_PER_BATCH || ((chars += json.length + 1) > maxChars && parts.length)) break;
      parts.push(json);
    }
    return [`{"sent_at":${now()},"events":[${parts.join()}]}`, parts.length];
  };

  /** Sends batches until fewer than `minEvents` wait or a send fails. */
  const drain = async (minEvents: number): Promise<void> => {
    const min = Math.min(Math.max(minEvents, 1), MAX_EVENTS_PER_BATCH);
    for (let pending; (pending = sendable()).length >= min; ) {
      const [body, n] = nextBatch(pending, MAX_BATCH_CHARS);
      const ids = new Set(pending.slice(0, n).map((e) => e.event_id));
      const outcome = await transport._send(body);
      if (outcome._kind === 'retry') {
        stats.retries++;
        const delay = retryDelayMs(attempt++, o.random, outcome._retryAfterMs, o.retryBaseMs, o.retryMaxMs);
        retryAt = now() + delay;
        if (!destroyed) timers.clearTimeout(retryTimer), (retryTimer = timers.setTimeout(flush, delay));
        return;
      }
      attempt = retryAt = 0;
      if (outcome._kind === 'ok') {
        const rejected = outcome._rejected.filter((i) => i >= 0 && i < n).length;
        stats.accepted += n - rejected;
        count('rejected', rejected, `${rejected} event(s) rejected, not retried`);
      } else {
        count('refused', n, `${n} event(s) dropped: ${outcome._reason}`);
      }
      for (const id of ids) {
        acked.add(id);
        if (acked.size > MAX_REMEMBERED_ACKS) acked.delete(acked.values().next().value!);
      }
      store.remove(ids);
    }
  };
  const run = (minEvents: number): Promise<void> => (draining ??= drain(minEvents).finally(() => (draining = undefined)));
  /** A drain already running may stop at batchSize: wait for it, then send the rest. */
  const flush = async (): Promise<void> => {
    await draining;
    return run(1);
  };

  const tick = () => {
    if (destroyed) return;
    if (now() >= retryAt) void run(1);
    intervalTimer = timers.setTimeout(tick, flushIntervalMs);
  };
  intervalTimer = timers.setTimeout(tick, flushIntervalMs);

  /** Page hiding: let listeners add their last events, then beacon what waits in chunks the browser accepts. */
  const removeLifecycle = o.lifecycle?.onHide((reason) => {
    hideListeners.forEach((l) => l(reason));
    for (const pending = sendable(); pending.length; ) {
      const [body, n] = nextBatch(pending, KEEPALIVE_MAX_BYTES / 3);
      if (!transport._beacon(body)) return void flush();
      for (const e of pending.splice(0, n)) beaconed.add(e.event_id);
    }
  });

  const add = (event: LiveEvent) => {
    if (destroyed) return;
    store.add(event);
    if (store.count() - beaconed.size >= batchSize && now() >= retryAt) void run(batchSize);
  };
  return [
    add,
    {
      flush,
      onHide: (listener) => (hideListeners.add(listener), () => hideListeners.delete(listener)),
      stats: () => ({ ...stats, queued: store.count(), dropped: store.dropped() }),
      async destroy() {
        if (destroyed) return;
        destroyed = true;
        timers.clearTimeout(intervalTimer);
        timers.clearTimeout(retryTimer);
        removeLifecycle?.();
        hideListeners.clear();
        return flush();
      },
    },
  ];
}
