/**
 * Adds the server fields of docs/spec.md §2 to each valid event:
 * `retailer_id` (the write key's), `received_at`, `event_time`, `region`
 * (from the trusted CDN header, else `unknown`) and `device` (from the user
 * agent). The client's address is never read here, so it is never stored.
 *
 * @example
 * app.post('/v1/events', ..., enrichBatch('cloudfront-viewer-country'), (c) => c.json(c.get('enriched')));
 */
import type { MiddlewareHandler } from 'hono';
import type { EnrichedEvent } from '../../../contract/enriched.ts';
import type { CollectorEnv } from '../../types.ts';
import { deviceClass } from './device-class.ts';

export const UNKNOWN_REGION = 'unknown';
export const DEFAULT_REGION_HEADER = 'cloudfront-viewer-country';

/** `us` / `US` -> `US`; anything but two letters -> `unknown`. */
export function regionFrom(header: string | undefined): string {
  if (header === undefined) return UNKNOWN_REGION;
  const v = header.trim();
  return /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : UNKNOWN_REGION;
}

export function enrichBatch(regionHeader = DEFAULT_REGION_HEADER): MiddlewareHandler<CollectorEnv> {
  const header = regionHeader.toLowerCase();
  return async (c, next) => {
    const retailer_id = c.get('writeKey').retailer;
    const received_at = c.get('receivedAt');
    const region = regionFrom(c.req.header(header));
    const device = deviceClass(c.req.header('user-agent'));
    const enriched: EnrichedEvent[] = new Array(c.get('valid').length);
    let i = 0;
    for (const v of c.get('valid')) {
      // The validated event is already a fresh copy, so it is extended in place (no per-event allocation).
      const e = v.event as EnrichedEvent;
      e.retailer_id = retailer_id;
      e.received_at = received_at;
      e.event_time = v.eventTime;
      e.region = region;
      e.device = device;
      enriched[i++] = e;
    }
    c.set('enriched', enriched);
    await next();
  };
}
