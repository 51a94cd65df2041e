/**
 * The collector's own limits and timings (the wire limits live in
 * contract/limits.ts). Each is a named constant with its unit; the ones an
 * operator may change are also settings (config/settings.ts).
 */

/** Per write key: sustained events per second, and the burst a key may spend at once. */
export const DEFAULT_KEY_EVENTS_PER_SECOND = 50_000;
export const DEFAULT_KEY_BURST_EVENTS = 100_000;
/** Per client address: sustained requests per second, and the burst. */
export const DEFAULT_ADDRESS_REQUESTS_PER_SECOND = 100;
export const DEFAULT_ADDRESS_BURST_REQUESTS = 200;
/** Token buckets tracked per limiter before the least recently created are dropped (bounds memory). */
export const MAX_TRACKED_BUCKETS = 100_000;

/** Largest `raw` text kept in one dead letter (characters); longer input is truncated. */
export const MAX_DEAD_LETTER_RAW_CHARS = 8 * 1024;

/** Kinesis PutRecords hard limits per call. */
export const MAX_PUT_RECORDS_PER_CALL = 500;
export const MAX_PUT_BYTES_PER_CALL = 5 * 1024 * 1024;
/** How long a record may wait for more to fill its PutRecords call. */
export const DEFAULT_LINGER_MS = 10;
/** PutRecords calls in flight at once per stream. */
export const MAX_PUTS_IN_FLIGHT = 8;
/** Attempts per record (first try included) before it is handed to the spool. */
export const MAX_PUT_ATTEMPTS = 4;
/** Exponential backoff between attempts: base and cap (full jitter is applied). */
export const PUT_BACKOFF_BASE_MS = 50;
export const PUT_BACKOFF_CAP_MS = 1_000;
/** Records waiting for a PutRecords call; beyond this, new batches go straight to the spool (bounds memory). */
export const MAX_QUEUED_RECORDS = 5_000;

/** Total spool size on disk; when full and the stream is down, the collector answers 503. */
export const DEFAULT_SPOOL_MAX_BYTES = 512 * 1024 * 1024;
/** A spool or dead-letter segment is closed and a new one started past this size. */
export const SEGMENT_MAX_BYTES = 8 * 1024 * 1024;
/** A dead-letter segment is closed after this long, so the lake sees it promptly. */
export const DEAD_LETTER_SEGMENT_MAX_AGE_MS = 60_000;
/** First pause between stream probes / spool drain attempts while the stream is down; doubles per failed probe. */
export const DRAIN_RETRY_MS = 1_000;
/** Longest pause between stream probes while the stream stays down (the backoff's cap). */
export const DRAIN_RETRY_CAP_MS = 8_000;
/** Records sent per PutRecords call while draining the spool. */
export const DRAIN_RECORDS_PER_CALL = 100;

/** Retry-After (seconds) on a 503 (stream down, spool full). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
/** Longest a SIGTERM drain may take before the process exits anyway. */
export const SHUTDOWN_DRAIN_TIMEOUT_MS = 20_000;
/** Distinct user agents whose device class is cached. */
export const MAX_CACHED_USER_AGENTS = 1_000;

/** Ceiling of the adaptive limit of batches between admission and the sink's answer; beyond the limit, 503 + Retry-After (overload shedding). */
export const MAX_REQUESTS_IN_FLIGHT = 64;
/**
 * Floor of that adaptive limit: this many batches in flight are never shed, so a handful of
 * clients (the fault tests' four viewers, a Kinesis outage whose retries slow each batch
 * before it spools) is always served. It was 32, which kept 32 batches in flight under
 * overload however slow they were: at ~360 batches/s that is ~90 ms per batch by Little's
 * law (measured: p50 85-110 ms), so the accepted p99 could not stay under 100 ms. Beyond the floor
 * a refused batch loses nothing: the SDK (and the simulator) keep it and resend it after
 * Retry-After.
 */
export const MIN_REQUESTS_IN_FLIGHT = 8;
/** Where the limit starts (slow start grows it toward the ceiling while batches stay fast; the first slow one cuts it). */
export const INITIAL_REQUESTS_IN_FLIGHT = 16;
/** Service time of a batch (body read to answer) above which the limit shrinks, so accepted batches stay fast. */
export const TARGET_SERVICE_MS = 50;
/** Body bytes of those batches at once (a chunked or gzip body counts as MAX_BODY_BYTES). */
export const MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
/** Retry-After (seconds) on a 503 for overload: short, since it clears as soon as batches finish. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;
