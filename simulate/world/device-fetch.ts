/**
 * The network of one simulated device: the SDK's injected `fetch`, sending
 * over real HTTP to the collector with the device's user agent, its country
 * in the trusted CDN header, and its own client address.
 *
 * The device recorded its events in simulated (past) time but sends them
 * now, like a phone that was offline: `sent_at` is set to the device's
 * clock when the request leaves (the real clock plus the device's error),
 * so the collector's skew correction recovers each event's true time
 * (`event_time = ts + received_at − sent_at`, the error cancelling out).
 *
 * @example
 * const net = createDeviceFetch({ userAgent, region: 'DE', regionHeader: 'cloudfront-viewer-country', clientAddress: '10.0.0.7' });
 * createTracker({ ..., fetch: net.fetch });
 * await net.idle(); // every request the tracker started has been answered
 */
import type { FetchLike, ResponseLike } from '../../sdk/transport.ts';

/**
 * Share of answered requests whose answer the device never receives (a
 * mobile network dropping the response): the SDK retries, so the collector
 * gets those events twice and every count downstream must still be once.
 */
export const DEFAULT_LOST_ACK_RATE = 0.02;
/** Longest real-time pause honoured for a 429/503 `Retry-After`, so a limited collector slows the simulation instead of spinning it. */
export const MAX_REAL_RETRY_PAUSE_MS = 2_000;

export interface DeviceNetworkOptions {
  userAgent: string;
  region: string;
  /** Header the collector trusts for the viewer's country. */
  regionHeader: string;
  /** Sent in `x-forwarded-for`; the collector uses it only when told to trust that header. */
  clientAddress: string;
  /** The device clock's error: `sent_at` is the real clock plus this. */
  clockOffsetMs?: number;
  /** Chance that a 200 is lost on the way back (default DEFAULT_LOST_ACK_RATE), drawn from `random`. */
  lostAckRate?: number;
  random?: () => number;
  /** Longest real pause on 429/503 (default MAX_REAL_RETRY_PAUSE_MS). */
  maxRetryPauseMs?: number;
}

export interface DeviceNetwork {
  fetch: FetchLike;
  /** Resolves once no request is in flight (including ones started while waiting). */
  idle(): Promise<void>;
  /** Requests sent and their HTTP statuses. */
  readonly statuses: Map<number, number>;
  /** Answers dropped on purpose (each one makes the SDK send its batch again). */
  lostAcks(): number;
}

/** Sets `sent_at` in a batch body (`{"sent_at":<ms>,"events":[...]}`, as the SDK writes it) to `nowMs`. */
export function restampSentAt(body: string, nowMs: number): string {
  return body.replace(/^\{"sent_at":\d+/, `{"sent_at":${nowMs}`);
}

export function createDeviceFetch(o: DeviceNetworkOptions): DeviceNetwork {
  const inflight = new Set<Promise<unknown>>();
  const statuses = new Map<number, number>();
  const lostAckRate = o.lostAckRate ?? DEFAULT_LOST_ACK_RATE;
  let lost = 0;
  const send = async (url: string, init: Parameters<FetchLike>[1]): Promise<ResponseLike> => {
    const res = await fetch(url, {
      method: init.method,
      body: restampSentAt(init.body, Date.now() + (o.clockOffsetMs ?? 0)),
      headers: { ...init.headers, 'user-agent': o.userAgent, [o.regionHeader]: o.region, 'x-forwarded-for': o.clientAddress },
    });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status === 200 && lostAckRate > 0 && (o.random ?? Math.random)() < lostAckRate) {
      lost++;
      throw new TypeError('fetch failed: connection reset before the response arrived');
    }
    if (res.status === 429 || res.status === 503) {
      const seconds = Number(res.headers.get('retry-after') ?? '1');
      const pauseMs = Math.min(o.maxRetryPauseMs ?? MAX_REAL_RETRY_PAUSE_MS, (Number.isFinite(seconds) ? seconds : 1) * 1000);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    return { status: res.status, headers: res.headers, text: async () => text };
  };
  return {
    statuses,
    lostAcks: () => lost,
    fetch: (url, init) => {
      const p = send(url, init);
      inflight.add(p);
      void p.catch(() => {}).finally(() => inflight.delete(p));
      return p;
    },
    async idle() {
      // The tracker may start the next batch right after one is answered, so look again after yielding.
      do {
        await Promise.allSettled([...inflight]);
        await new Promise((r) => setImmediate(r));
      } while (inflight.size > 0);
    },
  };
}
