/**
 * The tracker: builds events, queues them and delivers them to the collector.
 * Platform-free: storage, fetch, sendBeacon, page lifecycle, clock, timers and
 * randomness are injected (browser defaults from `browser.ts`), so the same
 * code runs in the browser, in Node tests and in the simulator.
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
 * const t = createTracker({ endpoint: 'https://c.example.com', writeKey: 'k', showId: 's1', creatorId: 'c1' });
 * const clickId = t.clickToBuy('p1', 'o1', { price: 19.9, currency: 'EUR' });
 * location.href = appendClickId('https://shop.example.com/checkout', clickId);
 */
import type { EventType, LiveEvent, PropsOf } from '../contract/events.ts';
import { MAX_EVENTS_PER_BATCH, MAX_EXPERIMENTS_PER_EVENT } from '../contract/limits.ts';
import { browserBeacon, browserFetch, browserLifecycle, browserStorage, type HideReason, type PageLifecycle } from './browser.ts';
import { createIdFactory, loadViewerId } from './identity.ts';
import { createMemoryStore, createPersistentStore, MAX_QUEUED_EVENTS, type EventStore, type KeyValueStorage } from './queue.ts';
import {
  createTransport,
  KEEPALIVE_MAX_BYTES,
  retryDelayMs,
  type BeaconLike,
  type FetchLike,
} from './transport.ts';
import { pickVariant } from './variant.ts';

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
/** Query parameter that carries a click id onto a checkout URL. */
export const CLICK_ID_PARAM = 'livelens_click_id';
/** Storage key of the experiments this viewer has been exposed to. */
export const EXPOSURES_KEY = 'livelens:exposures';

/** setTimeout/clearTimeout, injectable for fake timers and the simulator. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface TrackerOptions {
  /** Collector base URL; events go to `${endpoint}/v1/events`. */
  endpoint: string;
  writeKey: string;
  showId: string;
  creatorId: string;
  /** The logged-in customer (joins orders); see also `identify`. */
  userId?: string;
  /** Send as soon as this many events wait (default BATCH_SIZE_EVENTS). */
  batchSize?: number;
  /** Send whatever waits this often, in ms (default FLUSH_INTERVAL_MS). */
  flushIntervalMs?: number;
  /** Queue bound; the oldest are dropped and counted beyond it (default MAX_QUEUED_EVENTS). */
  maxQueuedEvents?: number;
  /** First retry delay in ms (default RETRY_BASE_MS). */
  retryBaseMs?: number;
  /** Longest backoff delay in ms (default RETRY_MAX_MS). */
  retryMaxMs?: number;
  /** Injected platform; `null` means "none" (for example storage: null in Node), undefined means the browser default. */
  fetch?: FetchLike | null;
  sendBeacon?: BeaconLike | null;
  storage?: KeyValueStorage | null;
  lifecycle?: PageLifecycle | null;
  /** Replaces the queue (default: persisted to `storage`, else in memory). */
  store?: EventStore;
  /** Epoch ms (default Date.now). */
  now?: () => number;
  /** Uniform [0, 1): ids and retry jitter (default crypto / Math.random). A seeded one makes a simulation reproducible. */
  random?: () => number;
  timers?: Timers;
  /** One-time warnings about refused events (default console.warn). */
  warn?: (message: string) => void;
}

/** Delivery counters since the tracker was created. */
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

export interface Tracker {
  readonly viewerId: string;
  /** The tracker's clock and timers, which the IVS binding shares. */
  readonly now: () => number;
  readonly timers: Timers;
  /** The current playback session; a new one starts with every `session_start` after the first. */
  sessionId(): string;
  /** Queues an event and returns its event_id. */
  track<T extends EventType>(type: T, props: PropsOf<T>): string;
  /** Sets (or with undefined clears) the user_id carried by later events. */
  identify(userId: string | undefined): void;
  /** A chat message of `length` characters was sent (the text never is). */
  chat(length: number): string;
  productImpression(productId: string, offerId: string): string;
  /** Records a click to buy; returns the click_id to carry to checkout (see appendClickId). */
  clickToBuy(productId: string, offerId: string, extra?: { price?: number; currency?: string }): string;
  /**
   * This viewer's variant of an experiment (deterministic, see variant.ts);
   * the first call per viewer and experiment sends `exposure`, and later
   * events carry the assignment in `experiments`.
   */
  variant(experimentId: string, variants: readonly string[], weights?: readonly number[]): string;
  /** Sends everything queued now (ignoring any backoff wait); resolves when done or when a retry was scheduled. */
  flush(): Promise<void>;
  /** Runs `listener` when the page hides, before the queue is beaconed (the IVS binding closes its session here). */
  onHide(listener: (reason: HideReason) => void): () => void;
  stats(): TrackerStats;
  /** Stops timers and listeners, then makes one last attempt to send what is queued. Later calls to track are ignored. */
  destroy(): Promise<void>;
}

/** Default timers: the globals, looked up at call time so fake timers apply. */
const globalTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Pick `undefined` → default, `null` → none. */
function orDefault<T>(value: T | null | undefined, fallback: () => T | undefined): T | undefined {
  return value === null ? undefined : (value ?? fallback());
}

/**
 * Creates a tracker for one show.
 *
 * @example
 * // Node (simulator): no browser, own clock and fetch.
 * createTracker({ endpoint, writeKey, showId, creatorId, storage: null, lifecycle: null, fetch: (u, i) => fetch(u, i), now: clock.now });
 */
export function createTracker(options: TrackerOptions): Tracker {
  const now = options.now ?? Date.now;
  const timers = options.timers ?? globalTimers;
  const random = options.random ?? Math.random;
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const storage = orDefault(options.storage, browserStorage);
  const lifecycle = orDefault(options.lifecycle, browserLifecycle);
  const batchSize = options.batchSize ?? BATCH_SIZE_EVENTS;
  const flushIntervalMs = options.flushIntervalMs ?? FLUSH_INTERVAL_MS;
  const newId = createIdFactory(options.random);
  const transport = createTransport({
    endpoint: options.endpoint,
    writeKey: options.writeKey,
    fetch: orDefault(options.fetch, browserFetch),
    sendBeacon: orDefault(options.sendBeacon, browserBeacon),
    now,
  });
  const max = options.maxQueuedEvents ?? MAX_QUEUED_EVENTS;
  const store =
    options.store ??
    (storage ? createPersistentStore(storage, `livelens:queue:${options.writeKey}`, max) : createMemoryStore(max));
  const viewerId = loadViewerId(storage, newId);

  let sessionId = newId();
  let sessionStarted = false;
  let userId = options.userId;
  let destroyed = false;
  const experiments: Record<string, string> = {};
  const acked = new Set<string>();
  const beaconed = new Set<string>();
  const hideListeners = new Set<(reason: HideReason) => void>();
  const stats = { accepted: 0, rejected: 0, refused: 0, retries: 0 };
  const warned = new Set<string>();
  let draining: Promise<void> | undefined;
  let attempt = 0;
  let retryAt = 0;
  let retryTimer: unknown;
  let intervalTimer: unknown;

  const warnOnce = (kind: string, message: string) => {
    if (!warned.has(kind)) warned.add(kind), warn(`livelens: ${message}`);
  };
  const remember = (ids: Iterable<string>) => {
    for (const id of ids) {
      acked.add(id);
      if (acked.size > MAX_REMEMBERED_ACKS) acked.delete(acked.values().next().value!);
    }
  };
  /** Up to `limit` events to send: queued, never acknowledged, not already handed to a beacon on this page. */
  const sendable = (limit: number): LiveEvent[] => {
    for (let n = limit + beaconed.size; ; n *= 2) {
      const head = store.head(n);
      const out = head.filter((e) => !acked.has(e.event_id) && !beaconed.has(e.event_id));
      if (out.length >= limit || head.length < n) return out.slice(0, limit);
    }
  };
  /** Consecutive events whose JSON fits in `maxChars`, at most MAX_EVENTS_PER_BATCH. */
  const nextBatch = (events: LiveEvent[], maxChars: number): { events: LiveEvent[]; body: string } => {
    const parts: string[] = [];
    let chars = 40;
    for (const e of events) {
      const json = JSON.stringify(e);
      if (parts.length >= MAX_EVENTS_PER_BATCH || (parts.length > 0 && chars + json.length + 1 > maxChars)) break;
      parts.push(json);
      chars += json.length + 1;
    }
    return { events: events.slice(0, parts.length), body: `{"sent_at":${now()},"events":[${parts.join(',')}]}` };
  };

  /** Sends batches until the queue is below `minEvents` or a send fails. */
  const drain = async (minEvents: number): Promise<void> => {
    const min = Math.min(Math.max(minEvents, 1), MAX_EVENTS_PER_BATCH);
    for (let pending = sendable(MAX_EVENTS_PER_BATCH); pending.length >= min; pending = sendable(MAX_EVENTS_PER_BATCH)) {
      const batch = nextBatch(pending, MAX_BATCH_CHARS);
      const ids = new Set(batch.events.map((e) => e.event_id));
      const outcome = await transport.send(batch.body);
      if (outcome.kind === 'retry') {
        stats.retries++;
        const delay = retryDelayMs(attempt++, random, outcome.retryAfterMs, options.retryBaseMs, options.retryMaxMs);
        retryAt = now() + delay;
        if (!destroyed) {
          timers.clearTimeout(retryTimer);
          retryTimer = timers.setTimeout(() => void flush(), delay);
        }
        return;
      }
      attempt = 0;
      retryAt = 0;
      if (outcome.kind === 'ok') {
        const rejected = outcome.rejected.filter((i) => i >= 0 && i < batch.events.length).length;
        stats.rejected += rejected;
        stats.accepted += batch.events.length - rejected;
        if (rejected) warnOnce('rejected', `the collector rejected ${rejected} event(s); they are not retried`);
      } else {
        stats.refused += batch.events.length;
        warnOnce('refused', `dropped ${batch.events.length} event(s): ${outcome.reason}`);
      }
      remember(ids);
      store.remove(ids);
    }
  };
  const run = (minEvents: number): Promise<void> => {
    if (draining) return draining;
    draining = drain(minEvents).finally(() => (draining = undefined));
    return draining;
  };
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
  const onPageHide = (reason: HideReason) => {
    for (const l of hideListeners) l(reason);
    let pending = sendable(store.count());
    while (pending.length) {
      const batch = nextBatch(pending, KEEPALIVE_MAX_BYTES / 3);
      if (!transport.beacon(batch.body)) {
        void flush();
        return;
      }
      for (const e of batch.events) beaconed.add(e.event_id);
      pending = pending.slice(batch.events.length);
    }
  };
  const removeLifecycle = lifecycle?.onHide(onPageHide);

  const exposures = (): Record<string, string> => {
    try {
      return JSON.parse(storage?.getItem(EXPOSURES_KEY) ?? '{}') as Record<string, string>;
    } catch {
      return {};
    }
  };
  let memoryExposures: Record<string, string> = {};

  const track = <T extends EventType>(type: T, props: PropsOf<T>): string => {
    const eventId = newId();
    if (destroyed) return eventId;
    if (type === 'session_start') {
      if (sessionStarted) sessionId = newId();
      sessionStarted = true;
    }
    const event = {
      event_id: eventId,
      type,
      ts: Math.round(now()),
      viewer_id: viewerId,
      session_id: sessionId,
      show_id: options.showId,
      creator_id: options.creatorId,
      ...(userId === undefined ? {} : { user_id: userId }),
      ...(Object.keys(experiments).length ? { experiments: { ...experiments } } : {}),
      props,
    } as LiveEvent;
    store.add(event);
    if (store.count() - beaconed.size >= batchSize && now() >= retryAt) void run(batchSize);
    return eventId;
  };

  return {
    viewerId,
    now,
    timers,
    sessionId: () => sessionId,
    track,
    identify: (id) => void (userId = id),
    chat: (length) => track('chat_message', { length }),
    productImpression: (productId, offerId) => track('product_impression', { product_id: productId, offer_id: offerId }),
    clickToBuy(productId, offerId, extra = {}) {
      const clickId = newId();
      track('click_to_buy', { product_id: productId, offer_id: offerId, click_id: clickId, ...extra });
      return clickId;
    },
    variant(experimentId, variants, weights) {
      const chosen = pickVariant(viewerId, experimentId, variants, weights);
      if (experiments[experimentId] !== chosen && (experimentId in experiments || Object.keys(experiments).length < MAX_EXPERIMENTS_PER_EVENT)) {
        experiments[experimentId] = chosen;
      }
      const seen = { ...exposures(), ...memoryExposures };
      if (seen[experimentId] !== chosen) {
        memoryExposures = { ...memoryExposures, [experimentId]: chosen };
        try {
          storage?.setItem(EXPOSURES_KEY, JSON.stringify({ ...seen, [experimentId]: chosen }));
        } catch {
          // memory fallback
        }
        track('exposure', { experiment_id: experimentId, variant: chosen });
      }
      return chosen;
    },
    flush,
    onHide(listener) {
      hideListeners.add(listener);
      return () => hideListeners.delete(listener);
    },
    stats: () => ({ ...stats, queued: store.count(), dropped: store.dropped() }),
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      timers.clearTimeout(intervalTimer);
      timers.clearTimeout(retryTimer);
      removeLifecycle?.();
      hideListeners.clear();
      await draining;
      await flush();
    },
  };
}

/**
 * Carries a click id onto a checkout URL, so that the order can be
 * attributed to the click (docs/spec.md §4).
 *
 * @example appendClickId('https://shop.example/checkout?x=1', 'abc') // 'https://shop.example/checkout?x=1&livelens_click_id=abc'
 */
export function appendClickId(url: string, clickId: string, param = CLICK_ID_PARAM): string {
  const u = new URL(url, 'http://relative.invalid');
  u.searchParams.set(param, clickId);
  // A path ('/checkout?x=1') stays a path.
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? u.href : u.pathname + u.search + u.hash;
}
