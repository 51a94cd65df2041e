/**
 * What the collector adds to each accepted event (docs/spec.md §2) before it
 * writes it to the stream, and what dead letters look like.
 */
import type { LiveEvent } from './events.ts';

/** Device classes derived from the user agent. */
export type DeviceClass = 'desktop' | 'mobile' | 'tablet' | 'tv' | 'bot' | 'unknown';

export interface ServerFields {
  /** The write key's retailer (the tenant). */
  retailer_id: string;
  /** Server clock when the batch arrived (epoch ms). */
  received_at: number;
  /** `ts + received_at - sent_at`: the viewer's time corrected for clock skew. */
  event_time: number;
  /** ISO country from the trusted CDN header, else `unknown`. */
  region: string;
  device: DeviceClass;
}

/** An accepted event as it travels on the stream. */
export type EnrichedEvent = LiveEvent & ServerFields;

/** A refused event, kept with the reason so data teams can inspect it. */
export interface DeadLetter {
  retailer_id: string;
  received_at: number;
  /** Index of the event in its batch. */
  index: number;
  error: string;
  /** The event as received (possibly truncated when very large). */
  raw: string;
}
