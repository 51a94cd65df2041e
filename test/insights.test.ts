/**
 * docs/spec.md §4b reports (qoe-impact, audience, timeline) on a hand-made
 * lake, every expected row computed by hand from the rules in the query
 * files: bucket edges, pooled sessions, buyers by attributed click,
 * revenue at risk, returning viewers, per-minute timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { Row, SqlValue } from '../pipeline/engine/engine.ts';
import { runReport } from '../pipeline/reports/index.ts';
import { eventRow, MINUTE_MS, orderRow, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';
import type { FixtureRow } from './queries-fixtures.ts';

/** An event of show s1 (creator c1) by `viewer` at `minute` after T0. */
function at(minute: number, viewer: string, type: string, fields: FixtureRow = {}): FixtureRow {
  return eventRow({ viewer_id: viewer, session_id: `sess_${viewer}`, user_id: `u_${viewer}`, ...fields, type, event_time: T0 + minute * MINUTE_MS });
}

const EVENTS: FixtureRow[] = [
  // Minute 0: startups (v2's later 100 ms startup is not its first).
  at(0, 'v0', 'startup', { startup_ms: 999 }),
  at(0, 'v1', 'startup', { startup_ms: 1000 }),
  at(0, 'v2', 'startup', { startup_ms: 2000 }),
  at(0, 'v3', 'startup', { startup_ms: 5000 }),
  // Minute 1: heartbeats of seven viewers, two chats, cues p1 and p2.
  at(1, 'v2', 'startup', { startup_ms: 100 }),
  at(1, 'v0', 'heartbeat', { watch_ms: 100_000, latency_ms: 1999 }),
  at(1, 'v1', 'heartbeat', { watch_ms: 99_000, latency_ms: 2000 }),
  at(1, 'v2', 'heartbeat', { watch_ms: 98_999, latency_ms: 5000 }),
  at(1, 'v3', 'heartbeat', { watch_ms: 97_000, latency_ms: 10_000 }),
  at(1, 'v4', 'heartbeat', { watch_ms: 96_999, latency_ms: 4999 }),
  at(1, 'v5', 'heartbeat', { session_id: 'sess_v5a', watch_ms: 50_000, latency_ms: 1000 }),
  at(1, 'v6', 'heartbeat', { region: 'DE', watch_ms: 1000, latency_ms: 500 }),
  at(1, 'v1', 'chat_message', { length: 3 }),
  at(1, 'v2', 'chat_message', { length: 4 }),
  at(1, 'v0', 'product_impression', { product_id: 'p1', offer_id: 'o1' }),
  at(1, 'v3', 'product_impression', { product_id: 'p2', offer_id: 'o2' }),
  // Minute 2: v5's second session, the rebuffers, p1 again (not a new cue) and cue p3.
  at(2, 'v5', 'heartbeat', { session_id: 'sess_v5b', watch_ms: 49_000, latency_ms: 3000 }),
  at(2, 'v5', 'buffer_end', { session_id: 'sess_v5b', buffer_ms: 1000 }),
  at(2, 'v1', 'buffer_end', { buffer_ms: 1000 }),
  at(2, 'v2', 'buffer_end', { buffer_ms: 1001 }),
  at(2, 'v3', 'buffer_end', { buffer_ms: 3000 }),
  at(2, 'v4', 'buffer_end', { buffer_ms: 3001 }),
  at(2, 'v1', 'product_impression', { product_id: 'p1', offer_id: 'o1' }),
  at(2, 'v2', 'product_impression', { product_id: 'p3', offer_id: 'o3' }),
  // Minutes 3 and 4: the clicks that sold.
  at(3, 'v0', 'click_to_buy', { product_id: 'p1', offer_id: 'o1', click_id: 'ck0' }),
  at(4, 'v3', 'click_to_buy', { product_id: 'p2', offer_id: 'o2', click_id: 'ck3' }),
  at(4, 'v2', 'click_to_buy', { product_id: 'p3', offer_id: 'o3', click_id: 'ck2' }),
  // Show s2 of the same creator an hour later: v0 and v3 come back (nothing measured: no QoE pair).
  at(60, 'v0', 'chat_message', { show_id: 's2', length: 1 }),
  at(61, 'v3', 'chat_message', { show_id: 's2', length: 1 }),
  // Another creator's show, and another retailer's viewer of s1.
  at(62, 'v7', 'chat_message', { show_id: 's3', creator_id: 'c2', length: 1 }),
  at(1, 'v9', 'heartbeat', { retailer_id: 'r2', watch_ms: 10_000, latency_ms: 100 }),
];

const ORDER_TS = T0 + 10 * MINUTE_MS;
const ORDERS: FixtureRow[] = [
  orderRow({ order_id: 'O1', ts: ORDER_TS, user_id: 'u_v0', click_id: 'ck0', product_id: 'p1', quantity: 1, unit_price: 10, currency: 'EUR' }),
  orderRow({ order_id: 'O2', ts: ORDER_TS, user_id: 'u_v3', click_id: 'ck3', product_id: 'p2', quantity: 2, unit_price: 15, currency: 'EUR' }),
  orderRow({ order_id: 'O3', ts: ORDER_TS, user_id: 'u_v2', click_id: 'ck2', product_id: 'p3', quantity: 1, unit_price: 7, currency: 'USD' }),
];

let engine: DuckDbEngine;

beforeAll(async () => {
  const dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', EVENTS);
  // A heartbeat and a buffer_end delivered twice count once (the dedupe views).
  await writeLakeTable(dataDir, 'events', [EVENTS[5]!, EVENTS[18]!], 'part-1');
  await writeLakeTable(dataDir, 'orders', ORDERS);
  engine = await createDuckDbEngine({ dataDir, threads: 1 });
});

afterAll(async () => {
  await engine?.close();
});

async function rows(name: string, by: string, extraParams?: Record<string, SqlValue>): Promise<Row[]> {
  return (await runReport(name, { by, queryEngine: engine, ...(extraParams ? { extraParams } : {}) })).rows;
}

/** Picks the named columns of each row, numbers rounded to 9 places. */
function pick(all: Row[], columns: string[]): Row[] {
  return all.map((row) => Object.fromEntries(columns.map((c) => {
    const v = row[c] ?? null;
    return [c, typeof v === 'number' ? Number(v.toFixed(9)) : v];
  })));
}

const IMPACT = ['retailer_id', 'region', 'bucket', 'currency', 'viewers', 'buyers', 'revenue', 'conversion_rate', 'revenue_per_viewer', 'revenue_at_risk'];

describe('qoe-impact', () => {
  it('--by rebuffer: 0 → none, exactly 1% → low, just above 1% and exactly 3% → medium, above → high; sessions pooled per pair', async () => {
    // v5: 0/50000 and 1000/50000 pooled = 1% → low (its second session alone would be 2%).
    // Risk (US): worse pairs 5, buyers 2; none 1 of 1: EUR 5 × (1 − 2/5) × (10+30)/2 = 60, USD 5 × 0.6 × 7 = 21.
    expect(pick(await rows('qoe-impact', 'rebuffer'), IMPACT)).toEqual([
      { retailer_id: 'r1', region: 'DE', bucket: 'none', currency: null, viewers: 1, buyers: 0, revenue: 0, conversion_rate: 0, revenue_per_viewer: 0, revenue_at_risk: null },
      { retailer_id: 'r1', region: 'US', bucket: 'none', currency: 'EUR', viewers: 1, buyers: 1, revenue: 10, conversion_rate: 1, revenue_per_viewer: 10, revenue_at_risk: 60 },
      { retailer_id: 'r1', region: 'US', bucket: 'low', currency: null, viewers: 2, buyers: 0, revenue: 0, conversion_rate: 0, revenue_per_viewer: 0, revenue_at_risk: null },
      { retailer_id: 'r1', region: 'US', bucket: 'medium', currency: 'EUR', viewers: 2, buyers: 1, revenue: 30, conversion_rate: 0.5, revenue_per_viewer: 15, revenue_at_risk: 60 },
      { retailer_id: 'r1', region: 'US', bucket: 'medium', currency: 'USD', viewers: 2, buyers: 1, revenue: 7, conversion_rate: 0.5, revenue_per_viewer: 3.5, revenue_at_risk: 21 },
      { retailer_id: 'r1', region: 'US', bucket: 'high', currency: null, viewers: 1, buyers: 0, revenue: 0, conversion_rate: 0, revenue_per_viewer: 0, revenue_at_risk: null },
      { retailer_id: 'r2', region: 'US', bucket: 'none', currency: null, viewers: 1, buyers: 0, revenue: 0, conversion_rate: 0, revenue_per_viewer: 0, revenue_at_risk: null },
    ]);
  });

  it('--by latency: the pair\'s median latency_ms, lower bounds inclusive (1999 <2s, 2000 and 4999 2-5s, 5000 5-10s, 10000 >=10s)', async () => {
    const all = await rows('qoe-impact', 'latency', { region: 'US' });
    // v5's median of 1000 and 3000 is 2000 → 2-5s.
    expect(pick(all.filter((r) => r.retailer_id === 'r1'), ['bucket', 'currency', 'viewers', 'buyers', 'revenue', 'revenue_at_risk'])).toEqual([
      { bucket: '<2s', currency: 'EUR', viewers: 1, buyers: 1, revenue: 10, revenue_at_risk: 60 },
      { bucket: '2-5s', currency: null, viewers: 3, buyers: 0, revenue: 0, revenue_at_risk: null },
      { bucket: '5-10s', currency: 'USD', viewers: 1, buyers: 1, revenue: 7, revenue_at_risk: 21 },
      { bucket: '>=10s', currency: 'EUR', viewers: 1, buyers: 1, revenue: 30, revenue_at_risk: 60 },
    ]);
    expect(all.every((r) => r.region === 'US')).toBe(true);
  });

  it('--by startup: the pair\'s first startup_ms (999 <1s, 1000 1-2s, 2000-then-100 2-5s, 5000 >=5s); pairs without one left out', async () => {
    // Risk: worse 3 pairs, 2 buyers: EUR 3 × (1 − 2/3) × 20 = 20, USD 3 × (1/3) × 7 = 7.
    const all = await rows('qoe-impact', 'startup', { region: 'US' });
    expect(pick(all, ['bucket', 'currency', 'viewers', 'buyers', 'revenue_at_risk'])).toEqual([
      { bucket: '<1s', currency: 'EUR', viewers: 1, buyers: 1, revenue_at_risk: 20 },
      { bucket: '1-2s', currency: null, viewers: 1, buyers: 0, revenue_at_risk: null },
      { bucket: '2-5s', currency: 'USD', viewers: 1, buyers: 1, revenue_at_risk: 7 },
      { bucket: '>=5s', currency: 'EUR', viewers: 1, buyers: 1, revenue_at_risk: 20 },
    ]);
  });

  it('carries the 95% Wilson interval of each bucket\'s conversion rate', async () => {
    const medium = (await rows('qoe-impact', 'rebuffer', { region: 'US' })).find((r) => r.bucket === 'medium');
    // Wilson, 1 of 2, z = 1.959964: center 0.5, half-width 0.4056...
    expect(Number(medium?.conversion_rate_ci_low)).toBeCloseTo(0.0945, 3);
    expect(Number(medium?.conversion_rate_ci_high)).toBeCloseTo(0.9055, 3);
  });
});

describe('shared filters', () => {
  it('--retailer and --from/--to narrow every insight report', async () => {
    const only = async (name: string, by: string, extra: Record<string, SqlValue>, filters: { retailer?: string; fromMs?: number; toMs?: number }) =>
      (await runReport(name, { by, queryEngine: engine, extraParams: extra, ...filters })).rows;
    expect((await only('qoe-impact', 'rebuffer', { region: '' }, { retailer: 'r2' })).map((r) => [r.retailer_id, r.bucket, r.viewers])).toEqual([['r2', 'none', 1]]);
    // Minutes 2-4 only: v5's first session (minute 1) is outside, so its pair is 1000/50000 = 2% → medium;
    // v1-v4 have only their buffer_end inside (no watch time): 100% → high.
    const window = { fromMs: T0 + 2 * MINUTE_MS, toMs: T0 + 5 * MINUTE_MS };
    const buckets = (await only('qoe-impact', 'rebuffer', { region: '' }, window)).map((r) => [r.bucket, r.viewers]);
    expect(buckets).toEqual([['medium', 1], ['high', 4]]);
    // The orders (minute 10) are outside the period too: no revenue, one row per minute.
    expect((await only('timeline', 'show', { show_id: 's1' }, window)).map((r) => [r.minute, r.currency, r.revenue])).toEqual([
      [T0 + 2 * MINUTE_MS, null, 0], [T0 + 3 * MINUTE_MS, null, 0], [T0 + 4 * MINUTE_MS, null, 0],
    ]);
    expect((await only('audience', 'creator', {}, { retailer: 'r2' })).map((r) => [r.retailer_id, r.viewers])).toEqual([['r2', 1]]);
  });
});

describe('audience', () => {
  const COLUMNS = ['viewers', 'buyers', 'returning_viewers', 'returning_share', 'returning_buyers', 'conversion_rate_returning', 'new_viewers', 'new_buyers', 'conversion_rate_new'];

  it('--by creator: returning = two or more distinct shows of the creator', async () => {
    const all = await rows('audience', 'creator');
    expect(pick(all, ['retailer_id', 'creator_id', ...COLUMNS])).toEqual([
      // v0 and v3 watched s1 and s2 (both bought); of v1, v2, v4, v5, v6 only v2 bought.
      { retailer_id: 'r1', creator_id: 'c1', viewers: 7, buyers: 3, returning_viewers: 2, returning_share: Number((2 / 7).toFixed(9)), returning_buyers: 2, conversion_rate_returning: 1, new_viewers: 5, new_buyers: 1, conversion_rate_new: 0.2 },
      { retailer_id: 'r1', creator_id: 'c2', viewers: 1, buyers: 0, returning_viewers: 0, returning_share: 0, returning_buyers: 0, conversion_rate_returning: null, new_viewers: 1, new_buyers: 0, conversion_rate_new: 0 },
      { retailer_id: 'r2', creator_id: 'c1', viewers: 1, buyers: 0, returning_viewers: 0, returning_share: 0, returning_buyers: 0, conversion_rate_returning: null, new_viewers: 1, new_buyers: 0, conversion_rate_new: 0 },
    ]);
    // Wilson 95%, z = 1.959964: 2 of 2 → [0.3424, 1]; 1 of 5 → [0.0362, 0.6245]; 3 of 7 → [0.1582, 0.7495].
    expect(Number(all[0]?.conversion_rate_returning_ci_low)).toBeCloseTo(0.3424, 4);
    expect(Number(all[0]?.conversion_rate_returning_ci_high)).toBeCloseTo(1, 9);
    expect(Number(all[0]?.conversion_rate_new_ci_low)).toBeCloseTo(0.0362, 4);
    expect(Number(all[0]?.conversion_rate_new_ci_high)).toBeCloseTo(0.6245, 4);
    expect(Number(all[0]?.conversion_rate_ci_low)).toBeCloseTo(0.1582, 4);
    expect(Number(all[0]?.conversion_rate_ci_high)).toBeCloseTo(0.7495, 4);
    // No returning viewers: no rate, no interval.
    expect(all[1]?.conversion_rate_returning_ci_low).toBeNull();
  });

  it('--by show: the share of the show\'s viewers who had watched the creator before', async () => {
    const all = await rows('audience', 'show');
    expect(pick(all, ['retailer_id', 'show_id', 'creator_id', 'viewers', 'buyers', 'returning_viewers', 'returning_share'])).toEqual([
      { retailer_id: 'r1', show_id: 's1', creator_id: 'c1', viewers: 7, buyers: 3, returning_viewers: 0, returning_share: 0 },
      { retailer_id: 'r1', show_id: 's2', creator_id: 'c1', viewers: 2, buyers: 0, returning_viewers: 2, returning_share: 1 },
      { retailer_id: 'r1', show_id: 's3', creator_id: 'c2', viewers: 1, buyers: 0, returning_viewers: 0, returning_share: 0 },
      { retailer_id: 'r2', show_id: 's1', creator_id: 'c1', viewers: 1, buyers: 0, returning_viewers: 0, returning_share: 0 },
    ]);
  });
});

describe('timeline', () => {
  it('per minute: concurrent viewers with a heartbeat, chats, impressions, clicks, revenue by the click\'s minute, cues', async () => {
    const all = await rows('timeline', 'show', { show_id: 's1' });
    const m = (n: number) => T0 + n * MINUTE_MS;
    expect(pick(all, ['retailer_id', 'show_id', 'minute', 'concurrent_viewers', 'chat_messages', 'product_impressions', 'clicks', 'currency', 'revenue', 'product_cues'])).toEqual([
      { retailer_id: 'r1', show_id: 's1', minute: m(0), concurrent_viewers: 0, chat_messages: 0, product_impressions: 0, clicks: 0, currency: null, revenue: 0, product_cues: null },
      { retailer_id: 'r1', show_id: 's1', minute: m(1), concurrent_viewers: 7, chat_messages: 2, product_impressions: 2, clicks: 0, currency: null, revenue: 0, product_cues: 'p1,p2' },
      { retailer_id: 'r1', show_id: 's1', minute: m(2), concurrent_viewers: 1, chat_messages: 0, product_impressions: 2, clicks: 0, currency: null, revenue: 0, product_cues: 'p3' },
      { retailer_id: 'r1', show_id: 's1', minute: m(3), concurrent_viewers: 0, chat_messages: 0, product_impressions: 0, clicks: 1, currency: 'EUR', revenue: 10, product_cues: null },
      { retailer_id: 'r1', show_id: 's1', minute: m(4), concurrent_viewers: 0, chat_messages: 0, product_impressions: 0, clicks: 2, currency: 'EUR', revenue: 30, product_cues: null },
      { retailer_id: 'r1', show_id: 's1', minute: m(4), concurrent_viewers: 0, chat_messages: 0, product_impressions: 0, clicks: 2, currency: 'USD', revenue: 7, product_cues: null },
      { retailer_id: 'r2', show_id: 's1', minute: m(1), concurrent_viewers: 1, chat_messages: 0, product_impressions: 0, clicks: 0, currency: null, revenue: 0, product_cues: null },
    ]);
  });

  it('a show with no events has no rows', async () => {
    expect(await rows('timeline', 'show', { show_id: 'nope' })).toEqual([]);
  });
});
