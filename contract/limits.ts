/**
 * Limits of the wire contract (docs/spec.md §2). Every limit is named once here,
 * with its unit in the name, and imported wherever it is enforced or documented.
 * This file has no dependencies so that the browser SDK can import it cheaply.
 */

/** Largest request body after decoding (gzip inflated), in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Events per `POST /v1/events` batch. */
export const MAX_EVENTS_PER_BATCH = 500;
export const MIN_EVENTS_PER_BATCH = 1;
/** Length of identifiers such as viewer_id, show_id, product_id (characters). */
export const MAX_ID_CHARS = 64;
/** Longest retailer id (characters); a retailer id is 1 to 64 of [A-Za-z0-9_-] (write keys, orders). */
export const MAX_RETAILER_CHARS = 64;
export const RETAILER_ID_PATTERN = `^[A-Za-z0-9_-]{1,${MAX_RETAILER_CHARS}}$`;
/** event_id: 8 to 64 of [A-Za-z0-9_-]. */
export const EVENT_ID_PATTERN = '^[A-Za-z0-9_-]{8,64}$';
/** Entries in an event's `experiments` object. */
export const MAX_EXPERIMENTS_PER_EVENT = 20;
/** Length of an error event's message (characters). */
export const MAX_ERROR_MESSAGE_CHARS = 256;
/** Length of free-text props such as `page`, `reason` and `quality` (characters). */
export const MAX_TEXT_PROP_CHARS = 1024;
/** Largest `watch_ms` a heartbeat may carry. */
export const MAX_HEARTBEAT_WATCH_MS = 60_000;
/**
 * Largest epoch ms of `ts` and `sent_at` (and smallest: 0): what a JavaScript
 * Date can hold (year 275760). Below 2^53, so `ts + received_at - sent_at` is
 * exact, and within the lake's BIGINT.
 */
export const MAX_EPOCH_MS = 8_640_000_000_000_000;
/** Largest `chat_message.length` (characters); chat services allow a few hundred. */
export const MAX_CHAT_MESSAGE_CHARS = 10_000;
/** Largest measured duration: `startup_ms`, `buffer_ms`, `latency_ms` (24 h). */
export const MAX_MEASURED_MS = 24 * 60 * 60 * 1000;
/** Largest `bitrate_kbps`, `from_kbps`, `to_kbps` (1 Gbit/s). */
export const MAX_BITRATE_KBPS = 1_000_000;
/** Largest price: `click_to_buy.price` and an order line's `unit_price` (sums of them stay finite). */
export const MAX_PRICE = 1_000_000_000;
/** An event whose corrected event_time is older than this is rejected. */
export const MAX_EVENT_AGE_MS = 72 * 60 * 60 * 1000;
/** An event whose corrected event_time is further ahead than this is rejected. */
export const MAX_EVENT_FUTURE_MS = 5 * 60 * 1000;
