import { describe, expect, it } from 'vitest';
import { validateEnvelope, validateEvent, EVENT_TYPES } from './events.ts';
import { packEvents, unpackRecord } from './record-format.ts';
import type { EnrichedEvent } from './enriched.ts';
import { toLakeRow } from './lake.ts';

const base = {
  event_id: 'evt_12345678',
  ts: 1_700_000_000_000,
  viewer_id: 'v1',
  session_id: 's1',
  show_id: 'show1',
  creator_id: 'c1',
};

describe('validateEvent', () => {
  it('accepts a heartbeat and drops unknown fields', () => {
    const r = validateEvent({ ...base, type: 'heartbeat', extra: 1, props: { watch_ms: 10_000, latency_ms: 2500, junk: 'x' } });
    expect(r).toEqual({ ok: true, value: { ...base, type: 'heartbeat', props: { watch_ms: 10_000, latency_ms: 2500 } } });
  });

  it('fills props for types without any', () => {
    const r = validateEvent({ ...base, type: 'buffer_start' });
    expect(r.ok && r.value.props).toEqual({});
  });

  it.each([
    [{ ...base, event_id: 'short', type: 'buffer_start' }, '/event_id'],
    [{ ...base, event_id: 'bad id with spaces', type: 'buffer_start' }, '/event_id'],
    [{ ...base, type: 'nope' }, 'unknown event type "nope"'],
    [{ ...base, ts: 1.5, type: 'buffer_start' }, '/ts'],
    [{ ...base, viewer_id: 'x'.repeat(65), type: 'buffer_start' }, '/viewer_id'],
    [{ ...base, type: 'heartbeat', props: { watch_ms: 60_001 } }, '/props/watch_ms'],
    [{ ...base, type: 'startup', props: { startup_ms: -1 } }, '/props/startup_ms'],
    [{ ...base, type: 'error', props: { code: 'E', fatal: 'yes' } }, '/props/fatal'],
    [{ ...base, type: 'error', props: { code: 'E', fatal: true, message: 'm'.repeat(257) } }, '/props/message'],
    [{ ...base, type: 'click_to_buy', props: { product_id: 'p', offer_id: 'o' } }, '/props/click_id'],
    [{ ...base, type: 'click_to_buy', props: { product_id: 'p', offer_id: 'o', click_id: 'c', currency: 'usd' } }, '/props/currency'],
    [{ ...base, type: 'buffer_start', experiments: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`e${i}`, 'a'])) }, '/experiments'],
    ['a string', '/: event must be a JSON object'],
  ])('rejects %j naming %s', (raw, where) => {
    const r = validateEvent(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(where);
  });

  it('knows every SPEC event type', () => {
    expect(EVENT_TYPES).toEqual([
      'session_start', 'startup', 'heartbeat', 'buffer_start', 'buffer_end', 'quality_change',
      'error', 'chat_message', 'product_impression', 'click_to_buy', 'exposure', 'session_end',
    ]);
  });
});

describe('validateEnvelope', () => {
  it('names what is wrong', () => {
    expect(validateEnvelope({ events: [] })).toMatchObject({ ok: false, error: expect.stringContaining('sent_at') });
    expect(validateEnvelope([])).toMatchObject({ ok: false });
    expect(validateEnvelope({ sent_at: 1, events: [{}] }).ok).toBe(true);
  });
});

describe('record format', () => {
  it('packs events into bounded records and unpacks them', () => {
    const events = Array.from({ length: 300 }, (_, i) => ({
      ...base, event_id: `evt_${String(i).padStart(8, '0')}`, type: 'chat_message', props: { length: i },
      retailer_id: 'r', received_at: 1, event_time: 1, region: 'US', device: 'desktop',
    })) as EnrichedEvent[];
    const records = packEvents(events, 4096);
    expect(records.length).toBeGreaterThan(1);
    for (const r of records) expect(r.length).toBeLessThanOrEqual(4096);
    expect(records.flatMap((r) => unpackRecord(r))).toEqual(events);
    expect(toLakeRow(events[3]!)).toMatchObject({ event_id: 'evt_00000003', length: 3, experiments: null, watch_ms: null });
  });
});
