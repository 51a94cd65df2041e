import { describe, expect, it } from 'vitest';
import { validateEnvelope, validateEvent, EVENT_TYPES } from './events.ts';
import { MAX_BITRATE_KBPS, MAX_CHAT_MESSAGE_CHARS, MAX_EPOCH_MS, MAX_MEASURED_MS, MAX_PRICE } from './limits.ts';
import { packEvents, unpackRecord } from './record-format.ts';
import type { EnrichedEvent } from './enriched.ts';
import { toLakeRow } from './lake.ts';
import { isWellFormed } from './unicode.ts';

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

  it.each([
    ['viewer_id', { ...base, viewer_id: '\ud800', type: 'buffer_start' }, '/viewer_id'],
    ['a trailing low surrogate', { ...base, session_id: 'ab\udc00', type: 'buffer_start' }, '/session_id'],
    ['a props string', { ...base, type: 'session_start', props: { page: 'x\ud83d' } }, '/props/page'],
    ['an experiments value', { ...base, type: 'buffer_start', experiments: { e1: '\udfff' } }, '/experiments/e1'],
    ['an experiments key', { ...base, type: 'buffer_start', experiments: { ['k\ud800']: 'a' } }, '/experiments'],
  ])('rejects a lone UTF-16 surrogate in %s, with a reason that is itself well-formed', (_where, raw, path) => {
    const r = validateEvent(raw);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain(path);
    expect(r.error).toContain('not valid Unicode');
    expect(isWellFormed(r.error)).toBe(true);
  });

  it('accepts surrogate pairs (emoji) and keeps them as sent', () => {
    const r = validateEvent({ ...base, viewer_id: 'v😀', type: 'session_start', props: { page: '🛒 cart' } });
    expect(r).toMatchObject({ ok: true, value: { viewer_id: 'v😀', props: { page: '🛒 cart' } } });
  });

  it('an unknown type that is not valid Unicode is named escaped', () => {
    const r = validateEvent({ ...base, type: '\ud800' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(`/type: unknown event type "\\ud800"; allowed: ${EVENT_TYPES.join(', ')}`);
  });

  it.each([
    ['ts', { ...base, ts: 1e19, type: 'buffer_start' }, { ...base, ts: MAX_EPOCH_MS, type: 'buffer_start' }, '/ts'],
    ['chat_message.length', { ...base, type: 'chat_message', props: { length: 1e19 } }, { ...base, type: 'chat_message', props: { length: MAX_CHAT_MESSAGE_CHARS } }, '/props/length'],
    ['startup_ms', { ...base, type: 'startup', props: { startup_ms: MAX_MEASURED_MS + 1 } }, { ...base, type: 'startup', props: { startup_ms: MAX_MEASURED_MS } }, '/props/startup_ms'],
    ['buffer_ms', { ...base, type: 'buffer_end', props: { buffer_ms: 1e308 } }, { ...base, type: 'buffer_end', props: { buffer_ms: MAX_MEASURED_MS } }, '/props/buffer_ms'],
    ['latency_ms', { ...base, type: 'heartbeat', props: { watch_ms: 1, latency_ms: 1e300 } }, { ...base, type: 'heartbeat', props: { watch_ms: 1, latency_ms: MAX_MEASURED_MS } }, '/props/latency_ms'],
    ['bitrate_kbps', { ...base, type: 'heartbeat', props: { watch_ms: 1, bitrate_kbps: MAX_BITRATE_KBPS + 1 } }, { ...base, type: 'heartbeat', props: { watch_ms: 1, bitrate_kbps: MAX_BITRATE_KBPS } }, '/props/bitrate_kbps'],
    ['to_kbps', { ...base, type: 'quality_change', props: { from_kbps: 1, to_kbps: 1e19 } }, { ...base, type: 'quality_change', props: { from_kbps: 1, to_kbps: MAX_BITRATE_KBPS } }, '/props/to_kbps'],
    ['price', { ...base, type: 'click_to_buy', props: { product_id: 'p', offer_id: 'o', click_id: 'c', price: 1e308 } }, { ...base, type: 'click_to_buy', props: { product_id: 'p', offer_id: 'o', click_id: 'c', price: MAX_PRICE } }, '/props/price'],
  ])('bounds %s: the limit itself is accepted, beyond it refused naming the field and the bound', (_name, beyond, atLimit, path) => {
    expect(validateEvent(atLimit).ok).toBe(true);
    const r = validateEvent(beyond);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(new RegExp(`^${path}: Expected .*less or equal to \\d+`));
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

  it('bounds sent_at to epoch ms a Date can hold (0 to MAX_EPOCH_MS)', () => {
    expect(validateEnvelope({ sent_at: MAX_EPOCH_MS, events: [] }).ok).toBe(true);
    expect(validateEnvelope({ sent_at: 1e19, events: [] })).toEqual({ ok: false, error: `/sent_at: Expected integer to be less or equal to ${MAX_EPOCH_MS}` });
    expect(validateEnvelope({ sent_at: -1, events: [] }).ok).toBe(false);
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
