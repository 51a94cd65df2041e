/**
 * docs/spec.md §4b (live-commerce insights), black box: `livelens report qoe-impact`,
 * `livelens report audience` and `livelens report timeline` on a hand-made day, checked
 * against buckets, audiences and minutes computed by hand from docs/spec.md §4b.
 * Adapted from a reviewer's probe: the collector caps a heartbeat's watch_ms
 * at 60 s, so watch time above that is sent as two heartbeats in one minute
 * (same totals and latency medians, same viewers per minute), and show x2's
 * viewers only chat so that only x1's pairs are measured for QoE.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDir, runCli, startServe, type CliResult } from './spec/cli-harness.ts';

const KEY = 'specInsightsKey-jjjj';
const MINUTE_MS = 60_000;
// Whole minutes, so that events land in known minutes of event_time.
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000;

type Json = Record<string, unknown>;
type Row = Record<string, unknown>;

let counter = 0;
function ev(viewer: string, show: string, minute: number, type: string, props: Json = {}): Json {
  counter += 1;
  return {
    event_id: `ins_${viewer}_${show}_${type}_${counter}`,
    type,
    // A few seconds into the minute: clock-skew correction moves event_time by milliseconds only.
    ts: T0 + minute * MINUTE_MS + 5_000 + counter,
    viewer_id: viewer,
    session_id: `s_${viewer}_${show}`,
    show_id: show,
    creator_id: show === 'x3' ? 'k2' : 'k1',
    user_id: `u_${viewer}`,
    props,
  };
}

/** Show x1 (creator k1): five viewers, minute 0 start, minute 1 heartbeats. */
const SHOW_1 = [
  ev('a', 'x1', 0, 'startup', { startup_ms: 999 }),
  ev('a', 'x1', 1, 'heartbeat', { watch_ms: 50_000, latency_ms: 1000 }),
  ev('a', 'x1', 2, 'heartbeat', { watch_ms: 50_000, latency_ms: 3000 }),
  ev('a', 'x1', 1, 'product_impression', { product_id: 'p1', offer_id: 'o1' }),
  ev('a', 'x1', 2, 'click_to_buy', { product_id: 'p1', offer_id: 'o1', click_id: 'ck_a' }),
  ev('b', 'x1', 0, 'startup', { startup_ms: 1000 }),
  ev('b', 'x1', 1, 'heartbeat', { watch_ms: 50_000, latency_ms: 1500 }),
  ev('b', 'x1', 1, 'heartbeat', { watch_ms: 49_500, latency_ms: 1500 }),
  ev('b', 'x1', 1, 'buffer_end', { buffer_ms: 500 }),
  ev('b', 'x1', 1, 'chat_message', { length: 5 }),
  ev('c', 'x1', 0, 'startup', { startup_ms: 2000 }),
  ev('c', 'x1', 0, 'startup', { startup_ms: 100 }),
  ev('c', 'x1', 1, 'heartbeat', { watch_ms: 49_000, latency_ms: 5000 }),
  ev('c', 'x1', 1, 'heartbeat', { watch_ms: 49_000, latency_ms: 5000 }),
  ev('c', 'x1', 1, 'buffer_end', { buffer_ms: 2000 }),
  ev('c', 'x1', 1, 'chat_message', { length: 9 }),
  ev('c', 'x1', 3, 'click_to_buy', { product_id: 'p2', offer_id: 'o2', click_id: 'ck_c' }),
  ev('d', 'x1', 0, 'startup', { startup_ms: 5000 }),
  ev('d', 'x1', 1, 'heartbeat', { watch_ms: 45_000, latency_ms: 12_000 }),
  ev('d', 'x1', 1, 'heartbeat', { watch_ms: 45_000, latency_ms: 12_000 }),
  ev('d', 'x1', 1, 'buffer_end', { buffer_ms: 10_000 }),
  ev('e', 'x1', 1, 'heartbeat', { watch_ms: 50_000, latency_ms: 10_000 }),
  ev('e', 'x1', 1, 'heartbeat', { watch_ms: 50_000, latency_ms: 10_000 }),
];
/** Show x2 (creator k1, later): a returns, f is new. */
// Chat only: a heartbeat would make (a, x2) and (f, x2) measured pairs of bucket `none` too.
const SHOW_2 = [ev('a', 'x2', 60, 'chat_message', { length: 2 }), ev('f', 'x2', 60, 'chat_message', { length: 2 })];

const ORDERS_CSV = [
  'order_id,ts,user_id,click_id,product_id,quantity,unit_price,currency',
  `N1,${new Date(T0 + 10 * MINUTE_MS).toISOString()},u_a,ck_a,p1,1,10,EUR`,
  `N2,${new Date(T0 + 10 * MINUTE_MS).toISOString()},u_c,ck_c,p2,3,10,EUR`,
].join('\n');

let dataDir = '';
const outputs = new Map<string, CliResult>();
const REPORTS: string[][] = [
  ['qoe-impact', '--by', 'rebuffer'],
  ['qoe-impact', '--by', 'latency'],
  ['qoe-impact', '--by', 'startup'],
  ['audience', '--by', 'creator'],
  ['audience', '--by', 'show'],
  ['timeline', '--show', 'x1'],
];

function rows(args: string[]): Row[] {
  const result = outputs.get(args.join(' '));
  expect(result?.code, result?.stderr).toBe(0);
  const parsed = JSON.parse(result?.stdout ?? '{}') as { rows?: Row[] };
  expect(Array.isArray(parsed.rows)).toBe(true);
  return parsed.rows ?? [];
}

function bucket(all: Row[], name: string): Row | undefined {
  return all.find((row) => row['bucket'] === name);
}

beforeAll(async () => {
  dataDir = await makeDataDir();
  const serve = await startServe(['--data-dir', dataDir, '--port', '0', '--write-keys', `${KEY}@ri`]);
  try {
    const events = [...SHOW_1, ...SHOW_2];
    const response = await fetch(`${serve.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': KEY },
      body: JSON.stringify({ sent_at: Date.now(), events }),
    });
    expect(await response.json()).toEqual({ accepted: events.length, rejected: [] });
  } finally {
    await serve.stop();
  }
  const ingest = await runCli(['ingest', '--once', '--data-dir', dataDir]);
  expect(ingest.code, ingest.stderr).toBe(0);
  const file = join(dataDir, 'orders.csv');
  await writeFile(file, `${ORDERS_CSV}\n`);
  const imported = await runCli(['orders', 'import', file, '--retailer', 'ri', '--data-dir', dataDir]);
  expect(imported.code, imported.stderr).toBe(0);
  const results = await Promise.all(REPORTS.map((args) => runCli(['report', ...args, '--format', 'json', '--data-dir', dataDir])));
  REPORTS.forEach((args, i) => outputs.set(args.join(' '), results[i] as CliResult));
}, 120_000);

afterAll(async () => {
  await removeDir(dataDir);
});

describe('report qoe-impact', () => {
  it('--by rebuffer: none / low / medium / high pairs with buyers and revenue', () => {
    const all = rows(['qoe-impact', '--by', 'rebuffer']);
    expect(bucket(all, 'none')).toMatchObject({ viewers: 2, buyers: 1, conversion_rate: 0.5, revenue: 10, revenue_per_viewer: 5 });
    expect(bucket(all, 'low')).toMatchObject({ viewers: 1, buyers: 0, conversion_rate: 0 });
    expect(bucket(all, 'medium')).toMatchObject({ viewers: 1, buyers: 1, conversion_rate: 1, revenue: 30, revenue_per_viewer: 30 });
    expect(bucket(all, 'high')).toMatchObject({ viewers: 1, buyers: 0, conversion_rate: 0 });
  });

  it('--by latency: median latency_ms, lower bounds inclusive', () => {
    const all = rows(['qoe-impact', '--by', 'latency']);
    expect(bucket(all, '<2s')).toMatchObject({ viewers: 1, buyers: 0 });
    expect(bucket(all, '2-5s')).toMatchObject({ viewers: 1, buyers: 1, revenue: 10 });
    expect(bucket(all, '5-10s')).toMatchObject({ viewers: 1, buyers: 1, revenue: 30 });
    expect(bucket(all, '>=10s')).toMatchObject({ viewers: 2, buyers: 0 });
  });

  it('--by startup: the pair\'s first startup_ms', () => {
    const all = rows(['qoe-impact', '--by', 'startup']);
    expect(bucket(all, '<1s')).toMatchObject({ viewers: 1, buyers: 1 });
    expect(bucket(all, '1-2s')).toMatchObject({ viewers: 1, buyers: 0 });
    expect(bucket(all, '2-5s')).toMatchObject({ viewers: 1, buyers: 1 });
    expect(bucket(all, '>=5s')).toMatchObject({ viewers: 1, buyers: 0 });
  });

  it('states revenue at risk with its formula: 3 × (0.5 − 1/3) × 20 = 10', () => {
    const text = outputs.get('qoe-impact --by rebuffer')?.stdout ?? '';
    expect(text).toMatch(/risk/i);
    const numbers = [...text.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)].map((m) => Number(m[0]));
    expect(numbers.some((value) => Math.abs(value - 10) < 1e-6)).toBe(true);
    const parsed = JSON.parse(text) as { rows: Row[]; revenue_at_risk_formula?: string };
    expect(parsed.revenue_at_risk_formula).toMatch(/revenue_at_risk = .*conversion/);
    // Beside the buckets that sold (EUR rows); buckets without an attributed line have no currency and no amount.
    for (const row of parsed.rows) expect(row['revenue_at_risk']).toBe(row['currency'] === 'EUR' ? 10 : null);
  });
});

describe('report audience', () => {
  it('--by creator: returning viewers and conversion of returning and new', () => {
    const k1 = rows(['audience', '--by', 'creator']).find((row) => row['creator_id'] === 'k1');
    expect(k1).toMatchObject({ viewers: 6, returning_viewers: 1 });
    expect(Number(k1?.['returning_share'])).toBeCloseTo(1 / 6, 9);
    expect(Number(k1?.['conversion_rate_returning'])).toBeCloseTo(1, 9);
    expect(Number(k1?.['conversion_rate_new'])).toBeCloseTo(1 / 5, 9);
  });

  it('--by show: share of viewers who had watched the creator before', () => {
    const all = rows(['audience', '--by', 'show']);
    const x2 = all.find((row) => row['show_id'] === 'x2');
    const x1 = all.find((row) => row['show_id'] === 'x1');
    expect(JSON.stringify(x2)).toContain('0.5');
    expect(x1).toBeDefined();
  });
});

describe('report timeline', () => {
  it('--show: one row per minute with concurrent viewers and attributed revenue by click minute', () => {
    const all = rows(['timeline', '--show', 'x1']);
    expect(all.every((row) => 'minute' in row)).toBe(true);
    const sorted = [...all].sort((a, b) => String(a['minute']).localeCompare(String(b['minute'])));
    const values = sorted.map((row) => JSON.stringify(row));
    // minute 1: five viewers with a heartbeat, two chat messages, one impression.
    expect(values.some((text) => text.includes(':5') && text.includes(':2'))).toBe(true);
    // minute 2: click ck_a -> 10 EUR; minute 3: click ck_c -> 30 EUR.
    expect(values.some((text) => /:10(\.0+)?[,}]/.test(text))).toBe(true);
    expect(values.some((text) => /:30(\.0+)?[,}]/.test(text))).toBe(true);
  });
});
