/**
 * Realistic events and batches for the collector's tests and benchmark.
 *
 * @example
 * const body = batchBody(realisticEvents(50, Date.now()), Date.now());
 */
import type { LiveEvent } from '../../contract/events.ts';
import type { DeadLetter } from '../../contract/enriched.ts';
import type { DeadLetterSink, EventSink, SinkStatus } from '../types.ts';
import type { EnrichedEvent } from '../../contract/enriched.ts';

export const TEST_KEY = 'test_key_0001';
export const TEST_RETAILER = 'acme';
export const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
export const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

const TEMPLATES: Array<Pick<LiveEvent, 'type' | 'props'>> = [
  { type: 'heartbeat', props: { watch_ms: 10_000, latency_ms: 3200, bitrate_kbps: 4500, quality: '720p60' } },
  { type: 'heartbeat', props: { watch_ms: 9_800, latency_ms: 2900, bitrate_kbps: 4500, quality: '720p60' } },
  { type: 'chat_message', props: { length: 42 } },
  { type: 'product_impression', props: { product_id: 'sku-1042', offer_id: 'offer-77' } },
  { type: 'buffer_start', props: {} },
  { type: 'buffer_end', props: { buffer_ms: 850 } },
  { type: 'click_to_buy', props: { product_id: 'sku-1042', offer_id: 'offer-77', click_id: 'clk_8f2a1c', price: 39.9, currency: 'USD' } },
  { type: 'quality_change', props: { from_kbps: 4500, to_kbps: 2500, quality: '480p30' } },
];

/** `n` valid events of mixed types, `ts` spread over the last seconds before `now`. */
export function realisticEvents(n: number, now: number, prefix = 'evt'): LiveEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    event_id: `${prefix}_${String(i).padStart(8, '0')}`,
    ts: now - (n - i) * 100,
    viewer_id: `viewer_${i % 7}`,
    session_id: `session_${i % 7}_a81f`,
    show_id: 'show_spring_drop',
    creator_id: 'creator_maya',
    user_id: i % 3 === 0 ? `user_${i % 7}` : undefined,
    experiments: { exp_layout: i % 2 ? 'b' : 'a' },
    ...TEMPLATES[i % TEMPLATES.length]!,
  }) as LiveEvent);
}

export function batchBody(events: unknown[], sentAt: number): string {
  return JSON.stringify({ sent_at: sentAt, events });
}

/** A sink that keeps what it is given in memory (unit tests only: a real sink is durable). */
export class MemorySink implements EventSink {
  readonly events: EnrichedEvent[] = [];
  fail: Error | null = null;
  async write(events: EnrichedEvent[]): Promise<void> {
    if (this.fail) throw this.fail;
    this.events.push(...events);
  }
  status(): SinkStatus {
    return { healthy: this.fail === null, streamUp: this.fail === null, spool: { bytes: 0, events: 0, files: 0, maxBytes: 0 } };
  }
  async close(): Promise<void> {}
}

export class MemoryDeadLetters implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  async write(letters: DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
  }
  async close(): Promise<void> {}
}
