/**
 * The report library and the `livelens report` command: parameters from
 * flags, the Wilson interval on conversion rates, JSON/CSV/table output,
 * run end to end on a hand-made lake with real DuckDB.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatReport, MAX_ATTRIBUTION_WINDOW_MS, parseDurationMs, parseTimeBound, reportParameters, runReport,
} from '../pipeline/reports/index.ts';
import { eventRow, MINUTE_MS, orderRow, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';

const run = promisify(execFile);
const LIVELENS = fileURLToPath(new URL('../bin/livelens.js', import.meta.url));

describe('report parameters', () => {
  it('parses durations, times and defaults', () => {
    expect(['24h', '90m', '30s', '2d', '1500ms', '1500'].map(parseDurationMs)).toEqual([86_400_000, 5_400_000, 30_000, 172_800_000, 1500, 1500]);
    expect(() => parseDurationMs('1w')).toThrow(/not a duration/);
    expect(() => parseDurationMs('0h')).toThrow(/out of range/);
    expect(() => parseDurationMs(`${MAX_ATTRIBUTION_WINDOW_MS + 1}`)).toThrow(/at most 90d/);
    expect(parseTimeBound('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    expect(parseTimeBound('2026-11-01T12:00:00+01:00')).toBe(Date.UTC(2026, 10, 1, 11));
    expect(parseTimeBound('1793534400000')).toBe(1_793_534_400_000);
    expect(() => parseTimeBound('yesterday')).toThrow(/not ISO 8601/);
    expect(reportParameters({})).toEqual({ from_ms: 0, to_ms: 8_640_000_000_000_000, retailer_id: '', creator_id: '', show_id: '', region: '', window_ms: 86_400_000 });
    expect(() => reportParameters({ fromMs: 5, toMs: 5 })).toThrow(/--from \(5\) must be before --to \(5\)/);
  });
});

let dataDir: string;
beforeAll(async () => {
  dataDir = tempDataDir();
  const click = (viewer: string, clickId: string, minute: number) => eventRow({
    type: 'click_to_buy', viewer_id: viewer, session_id: `s-${viewer}`, user_id: `u-${viewer}`, event_time: T0 + minute * MINUTE_MS,
    click_id: clickId, product_id: 'p1', offer_id: 'o1', creator_id: 'c,1',
  });
  await writeLakeTable(dataDir, 'events', [
    click('v1', 'k1', 1), click('v2', 'k2', 2),
    eventRow({ type: 'heartbeat', viewer_id: 'v3', session_id: 's-v3', creator_id: 'c,1', event_time: T0, watch_ms: 1000 }),
    eventRow({ type: 'heartbeat', viewer_id: 'v4', session_id: 's-v4', creator_id: 'c,1', event_time: T0, watch_ms: 1000 }),
  ]);
  await writeLakeTable(dataDir, 'orders', [orderRow({ order_id: 'o-1', product_id: 'p1', user_id: 'u-v1', click_id: 'k1', ts: T0 + 90 * MINUTE_MS, unit_price: 12.5, quantity: 2 })]);
});

describe('runReport', () => {
  it('adds the Wilson interval to conversion rows and columns', async () => {
    const result = await runReport('conversion', { by: 'creator', dataDir });
    expect(result).toMatchObject({ report: 'conversion', by: 'creator', query: 'conversion_by_group', engine: 'duckdb' });
    expect(result.columns.slice(-5)).toEqual([
      { name: 'revenue_per_viewer', type: 'DOUBLE' }, { name: 'watch_minutes', type: 'DOUBLE' }, { name: 'watch_minutes_per_viewer', type: 'DOUBLE' },
      { name: 'conversion_rate_ci_low', type: 'DOUBLE' }, { name: 'conversion_rate_ci_high', type: 'DOUBLE' },
    ]);
    expect(result.rows).toHaveLength(1);
    const row = result.rows[0]!;
    // 4 viewers, 2 clickers, 1 buyer: conversion 1/4 with Wilson [0.0456, 0.6994].
    expect(row).toMatchObject({ creator_id: 'c,1', currency: 'USD', viewers: 4, clickers: 2, buyers: 1, orders: 1, units: 2, revenue: 25, conversion_rate: 0.25, revenue_per_viewer: 6.25 });
    expect(row.conversion_rate_ci_low).toBeCloseTo(0.045586, 5);
    expect(row.conversion_rate_ci_high).toBeCloseTo(0.699358, 5);
  });

  it('binds the window: 1h leaves the 90-minute-late order unattributed', async () => {
    const result = await runReport('conversion', { by: 'offer', dataDir, windowMs: 3_600_000 });
    expect(result.params).toEqual({ from_ms: 0, to_ms: 8_640_000_000_000_000, retailer_id: '', creator_id: '', show_id: '', region: '', window_ms: 3_600_000 });
    expect(result.rows.map((r) => [r.offer_id, r.currency, r.buyers, r.conversion_rate_ci_low])).toEqual([['o1', null, 0, 0]]);
  });

  it('refuses an unknown grouping, naming the allowed ones', async () => {
    await expect(runReport('qoe', { by: 'offer', dataDir })).rejects.toThrow('report qoe cannot be grouped by "offer": use --by region|show|device');
    await expect(runReport('revenue', { by: 'x', dataDir })).rejects.toThrow('report "revenue" is not known: use conversion, qoe');
  });

  it('formats csv with quoting and a table with aligned columns', async () => {
    const result = await runReport('qoe', { by: 'show', dataDir, retailer: 'r1' });
    const csv = formatReport(result, 'csv').split('\r\n');
    expect(csv[0]).toBe('retailer_id,show_id,sessions,viewers,startup_p50_ms,startup_p95_ms,rebuffer_pct,rebuffers_per_minute,latency_p50_ms,latency_p95_ms,latency_p99_ms,playback_failure_pct,ebvs_pct');
    expect(csv[1]).toBe('r1,s1,4,4,,,0,0,,,,0,100');
    const conversion = formatReport(await runReport('conversion', { by: 'creator', dataDir }), 'csv');
    expect(conversion.split('\r\n')[1]!.startsWith('r1,"c,1",USD,4,2,1,1,2,25,0.25,6.25,0.03333333333333333,0.008333333333333333,0.0455')).toBe(true);
    const table = formatReport(result, 'table').split('\n');
    expect(table[0]!.startsWith('retailer_id  show_id  sessions')).toBe(true);
    expect(table[1]!.startsWith('-----------  -------  --------')).toBe(true);
    expect(table[2]!.startsWith('r1           s1              4')).toBe(true);
  });
});

describe('livelens report', () => {
  it('prints docs/spec.md §5 JSON', async () => {
    const { stdout } = await run(process.execPath, [LIVELENS, 'report', 'conversion', '--by', 'creator', '--format', 'json', '--data-dir', dataDir, '--from', new Date(T0).toISOString(), '--window', '90m']);
    const json = JSON.parse(stdout) as { rows: Array<Record<string, unknown>>; query: string; params: Record<string, unknown> };
    expect(json.query).toBe('conversion_by_group');
    expect(json.params).toEqual({ from_ms: T0, to_ms: 8_640_000_000_000_000, retailer_id: '', creator_id: '', show_id: '', region: '', window_ms: 5_400_000 });
    expect(Object.keys(json.rows[0]!)).toEqual([
      'retailer_id', 'creator_id', 'currency', 'viewers', 'clickers', 'buyers', 'orders', 'units', 'revenue',
      'conversion_rate', 'revenue_per_viewer', 'watch_minutes', 'watch_minutes_per_viewer', 'conversion_rate_ci_low', 'conversion_rate_ci_high',
    ]);
    expect(json.rows[0]).toMatchObject({ creator_id: 'c,1', buyers: 1, revenue: 25 });
  });

  it('exits 1 with a message naming the bad flag value', async () => {
    const failed = await run(process.execPath, [LIVELENS, 'report', 'qoe', '--by', 'region', '--data-dir', dataDir, '--to', 'tomorrow'])
      .then(() => undefined, (err: { code: number; stderr: string }) => err);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('livelens report qoe: --to: time "tomorrow" is not ISO 8601');
  });
});
