/**
 * livelens browser SDK: the tracker and the Amazon IVS player binding.
 *
 * @example
 * import { createTracker, trackIvsPlayer } from 'livelens/sdk';
 * const tracker = createTracker({ endpoint, writeKey, showId, creatorId });
 * const untrack = trackIvsPlayer(tracker, player);
 */
export { createTracker, appendClickId, CLICK_ID_PARAM } from './tracker.ts';
export type { Tracker, TrackerOptions } from './tracker.ts';
export { BATCH_SIZE_EVENTS, FLUSH_INTERVAL_MS } from './emitter.ts';
export type { TrackerStats, Timers } from './emitter.ts';
export { trackIvsPlayer, parseProductCue, HEARTBEAT_INTERVAL_MS } from './ivs.ts';
export type { IvsPlayerLike, IvsTrackingOptions, ProductCard } from './ivs.ts';
export { createMemoryStore, createPersistentStore, MAX_QUEUED_EVENTS } from './queue.ts';
export type { EventStore, KeyValueStorage } from './queue.ts';
export type { FetchLike, BeaconLike, ResponseLike } from './transport.ts';
export type { PageLifecycle, HideReason } from './browser.ts';
