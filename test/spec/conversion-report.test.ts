/**
 * docs/spec.md §§3, 4 and 5, black box: a small hand-made day posted to a real `livelens serve`,
 * landed with `livelens ingest --once`, orders loaded with `livelens orders import`, and
 * `livelens report conversion` checked against numbers computed by hand from docs/spec.md §4.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDir, runCli, startServe, type CliResult } from './cli-harness.ts';

const KEY_R1 = 'specKeyR1-cccc';
const KEY_DEFAULT = 'specKeyDefault-dddd';
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

type Json = Record<string, unknown>;
type Row = Record<string, unknown>;

// The day starts three hours ago (whole seconds), well inside the 72-hour bound.
const T0 = Math.floor((Date.now() - 3 * HOUR_MS) / 1000) * 1000;
const iso = (ms: number): string => new Date(ms).toISOString();

let counter = 0;
function ev(type: string, at: number, who: { viewer: string; show: string; creator: string; user?: string }, props: Json = {}): Json {
  counter += 1;
  return {
    event_id: `spec_${who.viewer}_${type}_${counter}`,
    type,
    ts: at,
    viewer_id: who.viewer,
    session_id: `sess_${who.viewer}_${who.show}`,
    show_id: who.show,
    creator_id: who.creator,
    ...(who.user ? { user_id: who.user } : {}),
    props,
  };
}

const V1 = { viewer: 'v1', show: 's1', creator: 'c1', user: 'u1' };
const V2 = { viewer: 'v2', show: 's1', creator: 'c1', user: 'u2' };
const V3 = { viewer: 'v3', show: 's1', creator: 'c1' };
const V4 = { viewer: 'v4', show: 's2', creator: 'c2', user: 'u4' };
const V5 = { viewer: 'v5', show: 's2', creator: 'c2' };
const V6 = { viewer: 'v6', show: 's3', creator: 'c3', user: 'u6' };

const v1Click = ev('click_to_buy', T0 + 2 * MINUTE_MS, V1, { product_id: 'p1', offer_id: 'o1', click_id: 'ck1', price: 10, currency: 'EUR' });
const v5Start = ev('session_start', T0, V5);
/** Retailer r1, viewer v1 from Germany. */
const GERMAN_EVENTS = [
  ev('session_start', T0, V1),
  ev('product_impression', T0 + MINUTE_MS, V1, { product_id: 'p1', offer_id: 'o1' }),
  v1Click,
  ev('heartbeat', T0 + 3 * MINUTE_MS, V1, { watch_ms: 30_000 }),
];
/** Retailer r1, no country header. */
const OTHER_EVENTS = [
  ev('session_start', T0, V2),
  ev('click_to_buy', T0 + 5 * MINUTE_MS, V2, { product_id: 'p2', offer_id: 'o2', click_id: 'ck2' }),
  ev('heartbeat', T0 + MINUTE_MS, V3, { watch_ms: 10_000 }),
  ev('click_to_buy', T0 + MINUTE_MS, V4, { product_id: 'p1', offer_id: 'o1', click_id: 'ck4' }),
  v5Start,
];
/** Retailer "default": a click whose click_id r1's orders also name. */
const DEFAULT_RETAILER_EVENTS = [ev('click_to_buy', T0 + MINUTE_MS, V6, { product_id: 'p1', offer_id: 'o1', click_id: 'ck6' })];

const R1_ORDERS_CSV = [
  'order_id,ts,user_id,click_id,product_id,quantity,unit_price,currency',
  `O1,${iso(T0 + 10 * MINUTE_MS)},u1,ck1,p1,2,10,EUR`, // rule 1 (click_id) -> v1, c1: 20 EUR
  `O2,${T0 + 20 * MINUTE_MS},u2,,p2,1,5,USD`, // rule 2 (user + product) -> v2, c1: 5 USD
  `O2,${T0 + 20 * MINUTE_MS},u2,,p3,1,7,USD`, // no click on p3: unattributed
  'BAD,not-a-time,u1,,p1,x,1,EUR', // line 5: fails to parse
  `O4,${iso(T0 + MINUTE_MS + 25 * HOUR_MS)},u4,ck4,p1,1,100,EUR`, // 25 h after ck4: outside the 24 h window
  `O5,${iso(T0 - HOUR_MS)},u4,ck4,p1,1,50,EUR`, // before its click: unattributed
  `O6,${iso(T0 + 30 * MINUTE_MS)},u6,ck6,p1,1,40,EUR`, // ck6 is the default retailer's click: never joins r1
].join('\n');
const DEFAULT_ORDERS_NDJSON = [
  JSON.stringify({ order_id: 'O7', ts: iso(T0 + 40 * MINUTE_MS), user_id: 'u6', click_id: 'ck6', product_id: 'p1', quantity: 3, unit_price: 2.5, currency: 'EUR' }),
].join('\n');

let dataDir = '';
let r1OrdersFile = '';
let firstImport: CliResult;

/** Reports started together right after the imports (CLI start-up dominates; run them in parallel). */
const early = new Map<string, Promise<Row[]>>();
const EARLY_REPORTS = [
  ['--by', 'creator'],
  ['--by', 'creator', '--retailer', 'r1'],
  ['--by', 'show', '--retailer', 'r1'],
  ['--by', 'offer', '--retailer', 'r1'],
  ['--by', 'region', '--retailer', 'r1'],
  ['--by', 'creator', '--retailer', 'r1', '--window', '48h'],
  ['--by', 'creator', '--to', iso(T0 - HOUR_MS)],
];

/** The rows of an early report (see EARLY_REPORTS), or a fresh run. */
function reportOnce(args: string[]): Promise<Row[]> {
  return early.get(args.join(' ')) ?? report(args);
}

async function report(args: string[]): Promise<Row[]> {
  const result = await runCli(['report', 'conversion', ...args, '--format', 'json', '--data-dir', dataDir]);
  expect(result.code, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as { rows: Row[] };
  expect(Array.isArray(parsed.rows)).toBe(true);
  return parsed.rows;
}

function sortRows(rows: Row[], key: string): Row[] {
  return [...rows].sort((a, b) => `${String(a[key])}|${String(a['currency'])}`.localeCompare(`${String(b[key])}|${String(b['currency'])}`));
}

/** Expected row of docs/spec.md §4; rates checked with toBeCloseTo. */
function expectRow(actual: Row | undefined, expected: Row): void {
  expect(actual).toBeDefined();
  for (const [name, value] of Object.entries(expected)) {
    if (value === undefined) continue;
    if (typeof value === 'number' && !Number.isInteger(value)) expect(Number(actual?.[name]), name).toBeCloseTo(value, 9);
    else if (typeof value === 'number') expect(Number(actual?.[name]), name).toBe(value);
    else expect(actual?.[name], name).toBe(value);
  }
}

beforeAll(async () => {
  dataDir = await makeDataDir();
  const serve = await startServe(['--data-dir', dataDir, '--port', '0', '--write-keys', `${KEY_R1}@r1,${KEY_DEFAULT}`]);
  try {
    const post = async (events: Json[], key: string, headers: Record<string, string> = {}): Promise<void> => {
      const response = await fetch(`${serve.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': key, ...headers },
        body: JSON.stringify({ sent_at: Date.now(), events }),
      });
      expect(await response.json()).toEqual({ accepted: events.length, rejected: [] });
    };
    await post(GERMAN_EVENTS, KEY_R1, { 'CloudFront-Viewer-Country': 'DE' });
    await post(OTHER_EVENTS, KEY_R1);
    await post(DEFAULT_RETAILER_EVENTS, KEY_DEFAULT);
    // Delivered twice: counted once (docs/spec.md §4).
    await post([v1Click, v5Start], KEY_R1);
  } finally {
    await serve.stop();
  }
  const ingest = await runCli(['ingest', '--once', '--data-dir', dataDir]);
  expect(ingest.code, ingest.stderr).toBe(0);
  r1OrdersFile = join(dataDir, 'orders-r1.csv');
  const defaultOrdersFile = join(dataDir, 'orders-default.ndjson');
  await writeFile(r1OrdersFile, `${R1_ORDERS_CSV}\n`);
  await writeFile(defaultOrdersFile, `${DEFAULT_ORDERS_NDJSON}\n`);
  firstImport = await runCli(['orders', 'import', r1OrdersFile, '--retailer', 'r1', '--data-dir', dataDir]);
  const defaultImport = await runCli(['orders', 'import', defaultOrdersFile, '--retailer', 'default', '--data-dir', dataDir]);
  expect(defaultImport.code, defaultImport.stderr).toBe(0);
  for (const args of EARLY_REPORTS) {
    const rows = report(args);
    rows.catch(() => undefined); // awaited by its test
    early.set(args.join(' '), rows);
  }
  await Promise.allSettled(early.values());
}, 120_000);

afterAll(async () => {
  await removeDir(dataDir);
});

const C1_EUR = { creator_id: 'c1', currency: 'EUR', viewers: 3, clickers: 2, buyers: 1, orders: 1, units: 2, revenue: 20, conversion_rate: 1 / 3, revenue_per_viewer: 20 / 3 };
const C1_USD = { creator_id: 'c1', currency: 'USD', viewers: 3, clickers: 2, buyers: 1, orders: 1, units: 1, revenue: 5, conversion_rate: 1 / 3, revenue_per_viewer: 5 / 3 };
const C2_NONE = { creator_id: 'c2', currency: null, viewers: 2, clickers: 1, buyers: 0, orders: 0, units: 0, conversion_rate: 0 };
const C3_EUR = { creator_id: 'c3', currency: 'EUR', viewers: 1, clickers: 1, buyers: 1, orders: 1, units: 3, revenue: 7.5, conversion_rate: 1, revenue_per_viewer: 7.5 };

describe('orders import (docs/spec.md §3)', () => {
  it('reports the bad row with its line number and loads the rest', () => {
    expect(`${firstImport.stdout}\n${firstImport.stderr}`).toMatch(/(line\D{0,3}|:)5\b/i);
  });
});

describe('report conversion (docs/spec.md §4, 5)', () => {
  it('--by creator: one row per currency, a null-currency row for a group without sales', async () => {
    const rows = sortRows(await reportOnce(['--by', 'creator']), 'creator_id');
    expect(rows).toHaveLength(4);
    expectRow(rows[0], C1_EUR);
    expectRow(rows[1], C1_USD);
    expectRow(rows[2], C2_NONE);
    expect(Number(rows[2]?.['revenue'] ?? 0)).toBe(0);
    expect(Number(rows[2]?.['revenue_per_viewer'] ?? 0)).toBe(0);
    expectRow(rows[3], C3_EUR);
  });

  it('carries a 95% Wilson interval on every conversion rate (docs/spec.md §4b)', async () => {
    const rows = await reportOnce(['--by', 'creator']);
    const z = 1.959963984540054;
    for (const row of rows) {
      const n = Number(row['viewers']);
      const p = Number(row['buyers']) / n;
      const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
      const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
      expect(Number(row['conversion_rate_ci_low'])).toBeCloseTo(centre - half, 9);
      expect(Number(row['conversion_rate_ci_high'])).toBeCloseTo(centre + half, 9);
    }
  });

  it('--retailer keeps one tenant', async () => {
    const rows = sortRows(await reportOnce(['--by', 'creator', '--retailer', 'r1']), 'creator_id');
    expect(rows.map((row) => row['creator_id'])).toEqual(['c1', 'c1', 'c2']);
  });

  it('--by show', async () => {
    const rows = sortRows(await reportOnce(['--by', 'show', '--retailer', 'r1']), 'show_id');
    expect(rows).toHaveLength(3);
    expectRow(rows[0], { ...C1_EUR, creator_id: undefined, show_id: 's1' });
    expectRow(rows[1], { ...C1_USD, creator_id: undefined, show_id: 's1' });
    expectRow(rows[2], { ...C2_NONE, creator_id: undefined, show_id: 's2' });
  });

  it('--by offer counts viewers with an impression or click of the offer', async () => {
    const rows = sortRows(await reportOnce(['--by', 'offer', '--retailer', 'r1']), 'offer_id');
    expect(rows).toHaveLength(2);
    expectRow(rows[0], { offer_id: 'o1', currency: 'EUR', viewers: 2, clickers: 2, buyers: 1, orders: 1, units: 2, revenue: 20, conversion_rate: 0.5, revenue_per_viewer: 10 });
    expectRow(rows[1], { offer_id: 'o2', currency: 'USD', viewers: 1, clickers: 1, buyers: 1, orders: 1, units: 1, revenue: 5, conversion_rate: 1, revenue_per_viewer: 5 });
  });

  it('--by region uses the trusted country header, else unknown', async () => {
    const rows = sortRows(await reportOnce(['--by', 'region', '--retailer', 'r1']), 'region');
    expect(rows).toHaveLength(2);
    expectRow(rows[0], { region: 'DE', currency: 'EUR', viewers: 1, clickers: 1, buyers: 1, orders: 1, units: 2, revenue: 20, conversion_rate: 1, revenue_per_viewer: 20 });
    expectRow(rows[1], { region: 'unknown', currency: 'USD', viewers: 4, clickers: 2, buyers: 1, orders: 1, units: 1, revenue: 5, conversion_rate: 0.25, revenue_per_viewer: 1.25 });
  });

  it('--window widens attribution', async () => {
    const rows = sortRows(await reportOnce(['--by', 'creator', '--retailer', 'r1', '--window', '48h']), 'creator_id');
    const c2 = rows.filter((row) => row['creator_id'] === 'c2');
    expect(c2).toHaveLength(1);
    expectRow(c2[0], { creator_id: 'c2', currency: 'EUR', viewers: 2, clickers: 1, buyers: 1, orders: 1, units: 1, revenue: 100, conversion_rate: 0.5, revenue_per_viewer: 50 });
  });

  it('--from/--to limit the period', async () => {
    const rows = await reportOnce(['--by', 'creator', '--to', iso(T0 - HOUR_MS)]);
    expect(rows.filter((row) => Number(row['viewers']) > 0)).toEqual([]);
  });

  it('--format csv has a header with the snake_case names', async () => {
    const result = await runCli(['report', 'conversion', '--by', 'creator', '--format', 'csv', '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    const header = (result.stdout.split('\n')[0] ?? '').split(',').map((name) => name.replaceAll('"', '').trim());
    for (const name of ['creator_id', 'viewers', 'clickers', 'buyers', 'orders', 'units', 'revenue', 'currency', 'conversion_rate', 'revenue_per_viewer']) {
      expect(header).toContain(name);
    }
  });

  it('--format table prints the groups', async () => {
    const result = await runCli(['report', 'conversion', '--by', 'creator', '--format', 'table', '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('c1');
    expect(result.stdout).toContain('c2');
  });

  it('importing the same file again changes no report', async () => {
    const before = await reportOnce(['--by', 'creator']);
    await runCli(['orders', 'import', r1OrdersFile, '--retailer', 'r1', '--data-dir', dataDir]);
    await runCli(['orders', 'import', r1OrdersFile, '--retailer', 'r1', '--data-dir', dataDir]);
    expect(sortRows(await report(['--by', 'creator']), 'creator_id')).toEqual(sortRows(before, 'creator_id'));
  });
});
