/**
 * Builds enriched events for the live tests, with unique event ids.
 *
 * @example
 * const ev = liveEvents(); ev.heartbeat({ viewer: 'v1', at: T, latency: 3000 })
 */
import type { EnrichedEvent } from '../../contract/enriched.ts';

export interface EventOpts {
  /** received_at (epoch ms). */
  at: number;
  /** event_time; defaults to `at`. */
  eventTime?: number;
  retailer?: string;
  region?: string;
  show?: string;
  viewer?: string;
  session?: string;
  id?: string;
}

/** Event builders sharing one id counter. */
export function liveEvents(prefix = 'ev') {
  let n = 0;
  const base = (type: string, props: Record<string, unknown>, o: EventOpts): EnrichedEvent =>
    ({
      event_id: o.id ?? `${prefix}_${String(++n).padStart(8, '0')}`,
      type,
      ts: o.eventTime ?? o.at,
      viewer_id: o.viewer ?? 'v1',
      session_id: o.session ?? `s_${o.viewer ?? 'v1'}`,
      show_id: o.show ?? 'show1',
      creator_id: 'c1',
      props,
      retailer_id: o.retailer ?? 'acme',
      received_at: o.at,
      event_time: o.eventTime ?? o.at,
      region: o.region ?? 'BR',
      device: 'desktop',
    }) as EnrichedEvent;
  return {
    heartbeat: (o: EventOpts & { watch?: number; latency?: number }) =>
      base('heartbeat', { watch_ms: o.watch ?? 10_000, ...(o.latency !== undefined ? { latency_ms: o.latency } : {}) }, o),
    startup: (o: EventOpts & { ms: number }) => base('startup', { startup_ms: o.ms }, o),
    bufferEnd: (o: EventOpts & { ms: number }) => base('buffer_end', { buffer_ms: o.ms }, o),
    fatal: (o: EventOpts) => base('error', { code: 'E1', fatal: true }, o),
    sessionStart: (o: EventOpts) => base('session_start', {}, o),
    click: (o: EventOpts) => base('click_to_buy', { product_id: 'p1', offer_id: 'o1', click_id: `k${n}` }, o),
    chat: (o: EventOpts) => base('chat_message', { length: 5 }, o),
    exposure: (o: EventOpts & { experiment: string; variant: string }) =>
      base('exposure', { experiment_id: o.experiment, variant: o.variant }, o),
  };
}
