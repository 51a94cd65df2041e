/**
 * Sends batches to the collector's `POST /v1/events` and says what to do next.
 *
 * Bodies are `text/plain` and the write key travels in the `key` query
 * parameter, so every request is CORS-simple (no preflight) and the same URL
 * works for `navigator.sendBeacon`, which can set neither headers nor a JSON
 * type. `fetch` and `sendBeacon` are injected: tests and the Node simulator
 * pass their own.
 *
 * @example
 * const t = createTransport({ endpoint: 'https://c.example.com', writeKey: 'k' });
 * const outcome = await t._send(JSON.stringify({ sent_at: Date.now(), events }));
 */

/**
 * Bodies under this many bytes go with `fetch(..., { keepalive: true })`, so
 * they survive the page being closed. Browsers cap the keepalive bytes in
 * flight per page at 64 KiB (Fetch spec "inflight keepalive bytes"); larger
 * bodies would be refused outright, so they go without keepalive.
 */
export const KEEPALIVE_MAX_BYTES = 60_000;
/** First retry delay (ms); doubled on every further failure of the same batch. */
export const RETRY_BASE_MS = 1_000;
/** Longest retry delay from backoff alone (ms). */
export const RETRY_MAX_MS = 60_000;
/** Longest `Retry-After` honoured (ms); a larger value is clamped to this. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** What the transport needs from a fetch response. */
export interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export type FetchLike = (
  url: string,
  init: { method: 'POST'; body: string; headers: Record<string, string>; keepalive: boolean; credentials?: 'omit' },
) => Promise<ResponseLike>;
/** `navigator.sendBeacon`: true when the browser queued the body. */
export type BeaconLike = (url: string, body: string) => boolean;

/** What to do with the batch that was sent; `_` names are internal to the SDK and shortened in the bundle (sdk/build.ts). */
export type SendOutcome =
  /** Stored by the collector, except the events at `rejected` indexes (refused for good). */
  | { _kind: 'ok'; _rejected: number[] }
  /** Not stored; try again later, not before `retryAfterMs` when given (undefined when not). */
  | { _kind: 'retry'; _reason: string; _retryAfterMs?: number | undefined }
  /** Refused as a whole (400, 401, 413, ...); retrying cannot help. */
  | { _kind: 'drop'; _reason: string };

export interface TransportOptions {
  /** Collector base URL; batches go to `${endpoint}/v1/events`. */
  endpoint: string;
  writeKey: string;
  fetch?: FetchLike;
  sendBeacon?: BeaconLike;
  /** Epoch ms, used to read an HTTP-date `Retry-After`. */
  now?: () => number;
}

/** Internal to the SDK (`_` names shortened in the bundle). */
export interface Transport {
  /** Posts one batch body and classifies the answer. Never throws. */
  _send(body: string): Promise<SendOutcome>;
  /** Hands a body to `sendBeacon` (page going away); false when refused or unavailable. */
  _beacon(body: string): boolean;
}

/** Builds the transport; without `fetch`, every send is a retry (nothing can be sent yet). */
export function createTransport(options: TransportOptions): Transport {
  const url = `${options.endpoint.replace(/\/+$/, '')}/v1/events?key=${encodeURIComponent(options.writeKey)}`;
  return {
    async _send(body) {
      let res: ResponseLike;
      try {
        // No cookies: the write key authenticates. Without fetch this throws (a TypeError), and the batch waits for a retry.
        res = await options.fetch!(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, keepalive: byteLength(body) < KEEPALIVE_MAX_BYTES, credentials: 'omit' });
      } catch (err) {
        return { _kind: 'retry', _reason: `network error: ${err}` };
      }
      const { status } = res;
      const text = await res.text().catch(() => '');
      const reason = `HTTP ${status} ${text.slice(0, 200)}`;
      return status > 199 && status < 300
        ? { _kind: 'ok', _rejected: rejectedIndexes(text) }
        : status === 429 || status === 408 || status > 499
          ? { _kind: 'retry', _reason: reason, _retryAfterMs: parseRetryAfterMs(res.headers.get('retry-after'), (options.now ?? Date.now)()) }
          : { _kind: 'drop', _reason: reason };
    },
    _beacon(body) {
      try {
        return !!options.sendBeacon?.(url, body);
      } catch {
        return false;
      }
    },
  };
}

/** Indexes listed in a 200 response's `rejected`; `[]` when the body has none or is not JSON. */
export function rejectedIndexes(responseText: string): number[] {
  try {
    return (JSON.parse(responseText) as { rejected: { index?: unknown }[] }).rejected.map((r) => r.index).filter((i): i is number => typeof i === 'number');
  } catch {
    return [];
  }
}

/**
 * `Retry-After` in ms: delay-seconds or an HTTP date, clamped to
 * [0, MAX_RETRY_AFTER_MS]; undefined when absent or unreadable.
 *
 * @example parseRetryAfterMs('3', Date.now()) // 3000
 */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  // Seconds when it reads as a number ('0' and '' fall through to Date.parse, which gives a past date or NaN).
  const ms = Number(value) * 1000 || Date.parse(value ?? '') - nowMs;
  return isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * Delay before retry number `attempt` (0-based): exponential backoff with
 * "equal jitter" (half fixed, half random) so that many viewers cut off by
 * the same outage do not return in lockstep; never shorter than `retryAfterMs`.
 *
 * @example retryDelayMs(2, Math.random) // between 2000 and 4000
 */
export function retryDelayMs(
  attempt: number,
  random: () => number,
  retryAfterMs = 0,
  baseMs = RETRY_BASE_MS,
  maxMs = RETRY_MAX_MS,
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.max(retryAfterMs, Math.round(cap / 2 + (random() * cap) / 2));
}

/** UTF-8 length of a string (what the keepalive quota counts). */
export const byteLength = (s: string): number => new Blob([s]).size;
