/**
 * `report conversion-over-time` (the dashboard Overview's totals and
 * charts): per retailer and UTC hour or day, or the whole period, over a
 * hand-made lake whose numbers follow from docs/spec.md §4 by hand. A
 * viewer seen in two regions counts once in the total (so the total is
 * not the sum of the per-region rows); an order line counts in the hour of
 * its click, not of the order; the interval is the Wilson interval of
 * buyers / viewers; currencies stay apart. The leaderboards' watch
 * minutes (report conversion) come from the same heartbeats: of a group's
 * events, and of an offer the sessions it was shown or clicked in.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { QueryEngine, Row } from '../pipeline/engine/engine.ts';
import { runReportRequest, wilsonInterval } from '../pipeline/reports/index.ts';
import { eventRow, HOUR_MS, MINUTE_MS, orderRow, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';

let dataDir: string;
let engine: QueryEngine;

beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', [
    // v1 watches from the US at 12:00, clicks at 12:05, then again from DE at 13:10.
    eventRow({ type: 'heartbeat', event_time: T0, viewer_id: 'v1', session_id: 'a', watch_ms: 60_000 }),
    eventRow({ type: 'click_to_buy', event_time: T0 + 5 * MINUTE_MS, viewer_id: 'v1', session_id: 'a', click_id: 'k1', product_id: 'p1', offer_id: 'o1', user_id: 'u1' }),
    eventRow({ type: 'heartbeat', event_time: T0 + HOUR_MS + 10 * MINUTE_MS, viewer_id: 'v1', session_id: 'a2', region: 'DE', watch_ms: 30_000 }),
    // v2 from DE at 13:20 clicks and buys in EUR; v3 only watches.
    eventRow({ type: 'click_to_buy', event_time: T0 + HOUR_MS + 20 * MINUTE_MS, viewer_id: 'v2', session_id: 'b', region: 'DE', click_id: 'k2', product_id: 'p2', offer_id: 'o2', user_id: 'u2' }),
    eventRow({ type: 'heartbeat', event_time: T0 + HOUR_MS + 30 * MINUTE_MS, viewer_id: 'v3', session_id: 'c', show_id: 's2', watch_ms: 90_000 }),
    // Another retailer, the day before: never mixed in.
    eventRow({ type: 'heartbeat', event_time: T0 - 24 * HOUR_MS, retailer_id: 'r2', viewer_id: 'w1', watch_ms: 10_000 }),
  ]);
  await writeLakeTable(dataDir, 'orders', [
    // Ordered at 14:30 on a 12:05 click: it counts in hour 12.
    orderRow({ order_id: 'a1', ts: T0 + 2 * HOUR_MS + 30 * MINUTE_MS, user_id: 'u1', click_id: 'k1', product_id: 'p1', quantity: 2, unit_price: 15 }),
    orderRow({ order_id: 'a2', ts: T0 + HOUR_MS + 40 * MINUTE_MS, user_id: 'u2', click_id: 'k2', product_id: 'p2', quantity: 1, unit_price: 8, currency: 'EUR' }),
  ]);
  engine = await createDuckDbEngine({ dataDir, threads: 1 });
});
afterAll(async () => {
  await engine?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const run = async (raw: Record<string, string>) => (await runReportRequest('conversion-over-time', raw, { queryEngine: engine })).rows;
const pick = (rows: Row[], ...keys: string[]) => rows.map((r) => keys.map((k) => r[k]));

describe('report conversion-over-time', () => {
  it('total: one row per retailer and currency over every region, each viewer once', async () => {
    const rows = await run({ by: 'total' });
    expect(pick(rows, 'retailer_id', 'period_start', 'currency', 'viewers', 'clickers', 'buyers', 'orders', 'units', 'revenue', 'watch_minutes')).toEqual([
      ['r1', null, 'EUR', 3, 2, 1, 1, 1, 8, 3],
      ['r1', null, 'USD', 3, 2, 1, 1, 2, 30, 3],
      ['r2', null, null, 1, 0, 0, 0, 0, 0, 10_000 / 60_000],
    ]);
    // Per region, v1 is in both US and DE: the regions' viewers add up to 4, the total is 3.
    const regions = (await runReportRequest('conversion', { by: 'region', retailer: 'r1' }, { queryEngine: engine })).rows;
    expect(new Set(regions.map((r) => `${r.region}:${r.viewers}`))).toEqual(new Set(['DE:2', 'US:2']));
    const [low, high] = wilsonInterval(1, 3);
    expect(rows[0]).toMatchObject({ conversion_rate: 1 / 3, conversion_rate_ci_low: low, conversion_rate_ci_high: high, revenue_per_viewer: 8 / 3 });
  });

  it('hour: viewers of each hour; an order line in the hour of its click', async () => {
    const rows = await run({ by: 'hour', retailer: 'r1' });
    expect(pick(rows, 'period_start', 'currency', 'viewers', 'clickers', 'buyers', 'revenue')).toEqual([
      [T0, 'USD', 1, 1, 1, 30],
      [T0 + HOUR_MS, 'EUR', 3, 1, 1, 8],
    ]);
  });

  it('day: the UTC day; from/to bound the period like every report', async () => {
    expect(pick(await run({ by: 'day' }), 'retailer_id', 'period_start', 'currency', 'viewers')).toEqual([
      ['r1', Date.UTC(2026, 10, 1), 'EUR', 3], ['r1', Date.UTC(2026, 10, 1), 'USD', 3], ['r2', Date.UTC(2026, 9, 31), null, 1],
    ]);
    const late = await run({ by: 'total', from: String(T0 + HOUR_MS) });
    // From 13:00 the 12:05 click is out of the period, so its line is not attributed.
    expect(pick(late, 'currency', 'viewers', 'buyers', 'revenue')).toEqual([['EUR', 3, 1, 8]]);
  });
});

describe('watch minutes on the conversion report (the leaderboards)', () => {
  const conversion = async (by: string) => (await runReportRequest('conversion', { by, retailer: 'r1' }, { queryEngine: engine })).rows;
  it('per creator, show and region: Σ heartbeat watch_ms / 60000 of the group, and per viewer', async () => {
    // c1: 60 s + 30 s + 90 s = 3 min over 3 viewers, on both currency rows.
    expect(pick(await conversion('creator'), 'creator_id', 'currency', 'watch_minutes', 'watch_minutes_per_viewer')).toEqual([['c1', 'EUR', 3, 1], ['c1', 'USD', 3, 1]]);
    expect(pick(await conversion('show'), 'show_id', 'watch_minutes')).toEqual([['s1', 1.5], ['s1', 1.5], ['s2', 1.5]]);
    expect(pick(await conversion('region'), 'region', 'watch_minutes', 'watch_minutes_per_viewer')).toEqual([['DE', 0.5, 0.25], ['US', 2.5, 1.25]]);
  });

  it('per offer: the heartbeats of the sessions the offer was shown or clicked in', async () => {
    // o1 was clicked in session a (v1's 60 s; not a2, v1's later session); o2 in session b, which has no heartbeat.
    expect(pick(await conversion('offer'), 'offer_id', 'watch_minutes')).toEqual([['o1', 1], ['o2', 0]]);
  });
});
