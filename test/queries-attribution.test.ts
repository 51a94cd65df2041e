/**
 * docs/spec.md §4 attribution and conversion on hand-made lake fixtures,
 * with expected rows computed by hand (see the comments on each order).
 * Real DuckDB, a fresh in-memory database per test, timezone pinned.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import { eventRow, HOUR_MS, MINUTE_MS, orderRow, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';

const DAY_MS = 24 * HOUR_MS;
const ALL = { from_ms: 0, to_ms: 8_640_000_000_000_000, retailer_id: '', creator_id: '', show_id: '', region: '', window_ms: DAY_MS };

const click = (viewer: string, user: string | null, fields: Record<string, string | number>) =>
  eventRow({ type: 'click_to_buy', viewer_id: viewer, session_id: `sess-${viewer}`, user_id: user, event_time: Number(fields.event_time), ...fields });

/** r1's clicks; r2 reuses click_id k1 and user u1 later, to catch cross-retailer joins. */
const k3 = click('v2', 'u2', { event_id: 'evt-k3', event_time: T0 + 4 * MINUTE_MS, click_id: 'k3', product_id: 'p2', offer_id: 'o2', region: 'DE' });
const events = [
  eventRow({ type: 'session_start', viewer_id: 'v1', session_id: 'sess-v1', event_time: T0 }),
  eventRow({ type: 'product_impression', viewer_id: 'v1', session_id: 'sess-v1', event_time: T0 + MINUTE_MS, product_id: 'p1', offer_id: 'o1' }),
  click('v1', 'u1', { event_time: T0 + 2 * MINUTE_MS, click_id: 'k1', product_id: 'p1', offer_id: 'o1' }),
  eventRow({ type: 'product_impression', viewer_id: 'v2', session_id: 'sess-v2', region: 'DE', event_time: T0 + MINUTE_MS, product_id: 'p1', offer_id: 'o1' }),
  click('v2', 'u2', { event_time: T0 + 3 * MINUTE_MS, click_id: 'k2', product_id: 'p1', offer_id: 'o1', region: 'DE' }),
  k3,
  click('v3', 'u3', { event_time: T0, click_id: 'k4', product_id: 'p3', offer_id: 'o3', show_id: 's2' }),
  click('v3', 'u3', { event_time: T0 + HOUR_MS, click_id: 'k5', product_id: 'p3', offer_id: 'o4', show_id: 's2' }),
  click('v5', 'u5', { event_time: T0 + 10 * HOUR_MS, click_id: 'k6', product_id: 'p5', offer_id: 'o5', show_id: 's2' }),
  // v4 watches creator c2 and never clicks: a group with no buyers.
  eventRow({ type: 'session_start', viewer_id: 'v4', session_id: 'sess-v4', show_id: 's3', creator_id: 'c2', region: 'FR', event_time: T0 }),
  eventRow({ type: 'heartbeat', viewer_id: 'v4', session_id: 'sess-v4', show_id: 's3', creator_id: 'c2', region: 'FR', event_time: T0 + MINUTE_MS, watch_ms: 60_000 }),
  eventRow({ type: 'click_to_buy', retailer_id: 'r2', viewer_id: 'w1', session_id: 'sess-w1', user_id: 'u1', show_id: 's9', event_time: T0 + 5 * MINUTE_MS, click_id: 'k1', product_id: 'p1', offer_id: 'o1' }),
];
/** k3 delivered again (a client retry) in another file: it must count once. */
const redelivered = [{ ...k3, received_at: Number(k3.received_at) + 5_000 }];

const orders = [
  // ord1: click_id k1 (T0+2m) → v1. Re-imported below with quantity 3, the latest import wins.
  orderRow({ order_id: 'ord1', product_id: 'p1', user_id: 'u1', click_id: 'k1', ts: T0 + 10 * MINUTE_MS, quantity: 2, unit_price: 10.5 }),
  // ord2: before its click k2 (T0+3m): neither rule applies (clicks after the order never count).
  orderRow({ order_id: 'ord2', product_id: 'p1', user_id: 'u2', click_id: 'k2', ts: T0 + 3 * MINUTE_MS - 1, unit_price: 10.5 }),
  // ord3: no click_id; u2's latest click on p2 is k3 → v2, EUR.
  orderRow({ order_id: 'ord3', product_id: 'p2', user_id: 'u2', ts: T0 + 5 * MINUTE_MS, unit_price: 20, currency: 'EUR' }),
  // ord4: exactly 24h after k5 (in), 25h after k4 (out) → k5.
  orderRow({ order_id: 'ord4', product_id: 'p3', user_id: 'u3', ts: T0 + HOUR_MS + DAY_MS, unit_price: 8 }),
  // ord5: click_id k4 is 24h + 1 ms old (out), fallback finds k5 (23h + 1 ms) → k5 by user_product.
  orderRow({ order_id: 'ord5', product_id: 'p3', user_id: 'u3', click_id: 'k4', ts: T0 + DAY_MS + 1, quantity: 2, unit_price: 8 }),
  // ord6: k4 (2h) and k5 (1h) both in the window: the last click, k5, wins.
  orderRow({ order_id: 'ord6', product_id: 'p3', user_id: 'u3', ts: T0 + 2 * HOUR_MS, unit_price: 8 }),
  // ord7: exactly 24h after k1 by click_id (in) → v1.
  orderRow({ order_id: 'ord7', product_id: 'p1', user_id: 'u1', click_id: 'k1', ts: T0 + 2 * MINUTE_MS + DAY_MS, unit_price: 10.5 }),
  // ord8: 24h + 1 ms after k6, by click_id and by user+product: unattributed.
  orderRow({ order_id: 'ord8', product_id: 'p5', user_id: 'u5', click_id: 'k6', ts: T0 + 10 * HOUR_MS + DAY_MS + 1, unit_price: 4 }),
  // r2's order: click_id k1 → r2's own click (T0+5m), never r1's.
  orderRow({ retailer_id: 'r2', order_id: 'ordA', product_id: 'p1', user_id: 'u1', click_id: 'k1', ts: T0 + 10 * MINUTE_MS, unit_price: 50 }),
];
const reimport = [orderRow({ order_id: 'ord1', product_id: 'p1', user_id: 'u1', click_id: 'k1', ts: T0 + 10 * MINUTE_MS, quantity: 3, unit_price: 10.5, imported_at: T0 + DAY_MS })];

let dataDir: string;
let engine: DuckDbEngine | undefined;

beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', events, 'part-0');
  await writeLakeTable(dataDir, 'events', redelivered, 'part-1');
  await writeLakeTable(dataDir, 'orders', orders, 'import-0');
  await writeLakeTable(dataDir, 'orders', reimport, 'import-1');
});

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function open(): Promise<DuckDbEngine> {
  engine = await createDuckDbEngine({ dataDir, threads: 1 });
  return engine;
}

describe('attributed_order_lines', () => {
  it('applies click_id, the user+product fallback, window edges, last click and retailer isolation', async () => {
    const e = await open();
    const result = await e.query('attributed_order_lines', ALL);
    const picked = result.rows.map((r) => [r.retailer_id, r.order_id, r.quantity, r.revenue, r.attribution, r.click_event_id === null ? null : r.viewer_id, r.offer_id]);
    const byOrder = (a: unknown[], b: unknown[]) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`);
    expect(picked.sort(byOrder)).toEqual([
      ['r1', 'ord1', 3, 31.5, 'click_id', 'v1', 'o1'],
      ['r1', 'ord2', 1, 10.5, null, null, null],
      ['r1', 'ord3', 1, 20, 'user_product', 'v2', 'o2'],
      ['r1', 'ord4', 1, 8, 'user_product', 'v3', 'o4'],
      ['r1', 'ord5', 2, 16, 'user_product', 'v3', 'o4'],
      ['r1', 'ord6', 1, 8, 'user_product', 'v3', 'o4'],
      ['r1', 'ord7', 1, 10.5, 'click_id', 'v1', 'o1'],
      ['r1', 'ord8', 1, 4, null, null, null],
      ['r2', 'ordA', 1, 50, 'click_id', 'w1', 'o1'],
    ]);
    expect(result.columns.slice(0, 11)).toEqual([
      { name: 'retailer_id', type: 'VARCHAR' }, { name: 'order_id', type: 'VARCHAR' }, { name: 'product_id', type: 'VARCHAR' },
      { name: 'ts', type: 'BIGINT' }, { name: 'user_id', type: 'VARCHAR' }, { name: 'click_id', type: 'VARCHAR' },
      { name: 'quantity', type: 'BIGINT' }, { name: 'unit_price', type: 'DOUBLE' }, { name: 'currency', type: 'VARCHAR' },
      { name: 'revenue', type: 'DOUBLE' }, { name: 'attribution', type: 'VARCHAR' },
    ]);
  });

  it('takes the window as a parameter: 1h leaves only the lines within an hour of their click', async () => {
    const e = await open();
    const rows = await e.run('attributed_order_lines', { ...ALL, window_ms: HOUR_MS });
    const attributed = rows.filter((r) => r.attribution !== null).map((r) => `${r.order_id}:${r.click_event_id === 'evt-k3' ? 'k3' : r.offer_id}`).sort();
    // ord1 (8m after k1), ord3 (1m after k3), ordA (5m); ord6 is 1h after k5: at the edge, in.
    expect(attributed).toEqual(['ord1:o1', 'ord3:k3', 'ord6:o4', 'ordA:o1']);
  });

  it('filters by retailer and by the period of order ts and click event_time', async () => {
    const e = await open();
    const r2 = await e.run('attributed_order_lines', { ...ALL, retailer_id: 'r2' });
    expect(r2.map((r) => [r.order_id, r.attribution])).toEqual([['ordA', 'click_id']]);
    // From T0 + 1m: k4 (T0) is outside the period, so ord6 still goes to k5; ord4's ts is past `to`.
    const part = await e.run('attributed_order_lines', { ...ALL, retailer_id: 'r1', from_ms: T0 + MINUTE_MS, to_ms: T0 + DAY_MS + HOUR_MS });
    expect(part.map((r) => r.order_id).sort()).toEqual(['ord1', 'ord2', 'ord3', 'ord5', 'ord6', 'ord7']);
  });
});

const conversionColumns = (key: string) => [
  ['retailer_id', 'VARCHAR'], [key, 'VARCHAR'], ['currency', 'VARCHAR'], ['viewers', 'BIGINT'], ['clickers', 'BIGINT'],
  ['buyers', 'BIGINT'], ['orders', 'BIGINT'], ['units', 'BIGINT'], ['revenue', 'DOUBLE'], ['conversion_rate', 'DOUBLE'],
  ['revenue_per_viewer', 'DOUBLE'], ['watch_minutes', 'DOUBLE'], ['watch_minutes_per_viewer', 'DOUBLE'],
].map(([name, type]) => ({ name, type }));

/** Watch minutes of a group without heartbeats (only v4 has any). */
const noWatch = { watch_minutes: 0, watch_minutes_per_viewer: 0 };

describe('conversion reports', () => {
  it('by creator: per-currency rows, a creator without buyers, retailers apart', async () => {
    const e = await open();
    const result = await e.query('conversion_by_group', ALL, { group: 'creator_id' });
    expect(result.columns).toEqual(conversionColumns('creator_id'));
    expect(result.rows).toEqual([
      // c1@r1: viewers v1 v2 v3 v5, all clickers. USD: v1 (ord1, ord7), v3 (ord4-6) → 74 over 8 units.
      { retailer_id: 'r1', creator_id: 'c1', currency: 'EUR', viewers: 4, clickers: 4, buyers: 1, orders: 1, units: 1, revenue: 20, conversion_rate: 0.25, revenue_per_viewer: 5, ...noWatch },
      { retailer_id: 'r1', creator_id: 'c1', currency: 'USD', viewers: 4, clickers: 4, buyers: 2, orders: 5, units: 8, revenue: 74, conversion_rate: 0.5, revenue_per_viewer: 18.5, ...noWatch },
      // c2: v4's one minute of heartbeats.
      { retailer_id: 'r1', creator_id: 'c2', currency: null, viewers: 1, clickers: 0, buyers: 0, orders: 0, units: 0, revenue: 0, conversion_rate: 0, revenue_per_viewer: 0, watch_minutes: 1, watch_minutes_per_viewer: 1 },
      { retailer_id: 'r2', creator_id: 'c1', currency: 'USD', viewers: 1, clickers: 1, buyers: 1, orders: 1, units: 1, revenue: 50, conversion_rate: 1, revenue_per_viewer: 50, ...noWatch },
    ]);
  });

  it('by offer: viewers are impressions or clicks of the offer', async () => {
    const e = await open();
    const result = await e.query('conversion_by_group', ALL, { group: 'offer_id' });
    expect(result.columns).toEqual(conversionColumns('offer_id'));
    const none = { currency: null, buyers: 0, orders: 0, units: 0, revenue: 0, conversion_rate: 0, revenue_per_viewer: 0, ...noWatch };
    expect(result.rows).toEqual([
      { retailer_id: 'r1', offer_id: 'o1', currency: 'USD', viewers: 2, clickers: 2, buyers: 1, orders: 2, units: 4, revenue: 42, conversion_rate: 0.5, revenue_per_viewer: 21, ...noWatch },
      { retailer_id: 'r1', offer_id: 'o2', currency: 'EUR', viewers: 1, clickers: 1, buyers: 1, orders: 1, units: 1, revenue: 20, conversion_rate: 1, revenue_per_viewer: 20, ...noWatch },
      { retailer_id: 'r1', offer_id: 'o3', viewers: 1, clickers: 1, ...none },
      { retailer_id: 'r1', offer_id: 'o4', currency: 'USD', viewers: 1, clickers: 1, buyers: 1, orders: 3, units: 4, revenue: 32, conversion_rate: 1, revenue_per_viewer: 32, ...noWatch },
      { retailer_id: 'r1', offer_id: 'o5', viewers: 1, clickers: 1, ...none },
      { retailer_id: 'r2', offer_id: 'o1', currency: 'USD', viewers: 1, clickers: 1, buyers: 1, orders: 1, units: 1, revenue: 50, conversion_rate: 1, revenue_per_viewer: 50, ...noWatch },
    ]);
  });

  it('by show and by region', async () => {
    const e = await open();
    const shows = await e.run('conversion_by_group', { ...ALL, retailer_id: 'r1' }, { group: 'show_id' });
    expect(shows.map((r) => [r.show_id, r.currency, r.viewers, r.clickers, r.buyers, r.orders, r.units, r.revenue])).toEqual([
      // s1: v1, v2 (k1, k2, k3). s2: v3, v5. s3: v4.
      ['s1', 'EUR', 2, 2, 1, 1, 1, 20],
      ['s1', 'USD', 2, 2, 1, 2, 4, 42],
      ['s2', 'USD', 2, 2, 1, 3, 4, 32],
      ['s3', null, 1, 0, 0, 0, 0, 0],
    ]);
    const regions = await e.query('conversion_by_group', { ...ALL, retailer_id: 'r1' }, { group: 'region' });
    expect(regions.columns).toEqual(conversionColumns('region'));
    expect(regions.rows.map((r) => [r.region, r.currency, r.viewers, r.clickers, r.buyers, r.orders, r.units, r.revenue])).toEqual([
      // DE: v2 (its impression and clicks). FR: v4. US: v1, v3, v5.
      ['DE', 'EUR', 1, 1, 1, 1, 1, 20],
      ['FR', null, 1, 0, 0, 0, 0, 0],
      ['US', 'USD', 3, 3, 2, 5, 8, 74],
    ]);
  });

  it('reads an empty lake as no rows', async () => {
    engine = await createDuckDbEngine({ dataDir: tempDataDir() });
    expect(await engine.run('conversion_by_group', ALL, { group: 'creator_id' })).toEqual([]);
    expect(await engine.run('qoe_by_group', ALL, { group: 'region' })).toEqual([]);
  });

  it('names missing parameters', async () => {
    const e = await open();
    await expect(e.run('conversion_by_group', { from_ms: 0, to_ms: 1 }, { group: 'creator_id' })).rejects.toThrow(/needs parameter\(s\) \$retailer_id, \$window_ms/);
  });
});
