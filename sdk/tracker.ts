/**
 * The tracker: builds events (identity, session, user, experiments) and
 * hands them to the emitter (emitter.ts), which queues and delivers them.
 * Platform-free: storage, fetch, sendBeacon, page lifecycle, clock, timers and
 * randomness are injected (browser defaults from `browser.ts`), so the same
 * code runs in the browser, in Node tests and in the simulator.
 *
 * @example
 * const t = createTracker({ endpoint: 'https://c.example.com', writeKey: 'k', showId: 's1', creatorId: 'c1' });
 * const clickId = t.clickToBuy('p1', 'o1', { price: 19.9, currency: 'EUR' });
 * location.href = appendClickId('https://shop.example.com/checkout', clickId);
 */
import type { EventType, LiveEvent, PropsOf } from '../contract/events.ts';
import { MAX_EXPERIMENTS_PER_EVENT } from '../contract/limits.ts';
import { browserBeacon, browserFetch, browserLifecycle, browserStorage, type HideReason, type PageLifecycle } from './browser.ts';
import { createEmitter, type Timers, type TrackerStats } from './emitter.ts';
import { createIdFactory, loadViewerId } from './identity.ts';
import { createPersistentStore, readJson, writeItem, type EventStore, type KeyValueStorage } from './queue.ts';
import { createTransport, type BeaconLike, type FetchLike } from './transport.ts';
import { pickVariant } from './variant.ts';

export type { Timers, TrackerStats } from './emitter.ts';

/** Query parameter that carries a click id onto a checkout URL. */
export const CLICK_ID_PARAM = 'livelens_click_id';
/** Storage key of the experiments this viewer has been exposed to. */
export const EXPOSURES_KEY = 'livelens:exposures';

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
   * events carry the assignment in `experiments`. With `unit` 'show' (a
   * show-level experiment, docs/spec.md §4) the show_id is hashed instead,
   * so every viewer of a show sees the show's variant.
   */
  variant(experimentId: string, variants: readonly string[], weights?: readonly number[], unit?: 'viewer' | 'show'): string;
  /** Sends everything queued now (ignoring any backoff wait); resolves when done or when a retry was scheduled. */
  flush(): Promise<void>;
  /** Runs `listener` when the page hides, before the queue is beaconed (the IVS binding closes its session here). */
  onHide(listener: (reason: HideReason) => void): () => void;
  stats(): TrackerStats;
  /** Stops timers and listeners, then makes one last attempt to send what is queued. Later calls to track are ignored. */
  destroy(): Promise<void>;
}

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
  const storage = orDefault(options.storage, browserStorage);
  const newId = createIdFactory(options.random);
  // The platform resolved once; batchSize, flushIntervalMs, retryBaseMs and retryMaxMs pass through under the same names.
  const o = {
    ...options,
    now: options.now ?? Date.now,
    // The global timers, called as globalThis.setTimeout(...) each time, so fake timers installed later apply.
    timers: options.timers ?? (globalThis as Timers),
    random: options.random ?? Math.random,
    warn: options.warn ?? console.warn,
    lifecycle: orDefault(options.lifecycle, browserLifecycle),
    fetch: orDefault(options.fetch, browserFetch),
    sendBeacon: orDefault(options.sendBeacon, browserBeacon),
  };
  const { now, timers } = o;
  const [add, delivery] = createEmitter({
    ...o,
    _transport: createTransport(o),
    store: options.store ?? createPersistentStore(storage, `livelens:queue:${options.writeKey}`, options.maxQueuedEvents),
  });
  const viewerId = loadViewerId(storage, newId);

  let sessionId = newId();
  /** session_start events so far: each after the first starts a new session. */
  let sessionStarts = 0;
  let userId = options.userId;
  /** This viewer's assignments, replaced (never changed) on each new one, so events share it; undefined before the first. */
  let experiments: Record<string, string> | undefined;
  /** Exposures sent from this page (what storage could not keep). */
  const exposed: Record<string, string> = {};

  // Optional fields left undefined are not sent (JSON.stringify drops them).
  const track = <T extends EventType>(type: T, props: PropsOf<T>): string => {
    const eventId = newId();
    if (type === 'session_start' && sessionStarts++) sessionId = newId();
    add({
      event_id: eventId,
      type,
      ts: Math.round(now()),
      viewer_id: viewerId,
      session_id: sessionId,
      show_id: options.showId,
      creator_id: options.creatorId,
      user_id: userId,
      experiments,
      props,
    } as LiveEvent);
    return eventId;
  };

  return {
    ...delivery,
    viewerId,
    now,
    timers,
    sessionId: () => sessionId,
    track,
    identify: (id) => void (userId = id),
    chat: (length) => track('chat_message', { length }),
    productImpression: (product_id, offer_id) => track('product_impression', { product_id, offer_id }),
    clickToBuy(product_id, offer_id, extra) {
      const click_id = newId();
      track('click_to_buy', { product_id, offer_id, click_id, ...extra });
      return click_id;
    },
    variant(experimentId, variants, weights, unit) {
      const chosen = pickVariant(unit === 'show' ? options.showId : viewerId, experimentId, variants, weights);
      const current = { ...experiments };
      if (experimentId in current || Object.keys(current).length < MAX_EXPERIMENTS_PER_EVENT) experiments = { ...current, [experimentId]: chosen };
      // Another tab of this viewer may have stored exposures since: read them each time.
      const seen = { ...(readJson(storage, EXPOSURES_KEY) as Record<string, string>), ...exposed };
      if (seen[experimentId] !== chosen) {
        exposed[experimentId] = seen[experimentId] = chosen;
        writeItem(storage, EXPOSURES_KEY, JSON.stringify(seen));
        track('exposure', { experiment_id: experimentId, variant: chosen });
      }
      return chosen;
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
  const u = new URL(url, 'http://h'); // a placeholder base for a relative URL, whose path alone is returned
  u.searchParams.set(param, clickId);
  // A path ('/checkout?x=1') stays a path.
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? u.href : u.pathname + u.search + u.hash;
}
