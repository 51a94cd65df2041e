/**
 * The same filters everywhere (docs/spec.md sections 5 and 8): every report
 * takes --from, --to, --retailer, --creator, --show and --region (the flags
 * themselves are checked in cli/commands/report.test.ts), binds them as
 * parameters, names them under `params`, reads a zoneless time as UTC,
 * and the one entry point the data API calls gives exactly the CLI's JSON
 * and CSV. Real DuckDB on a hand-made lake.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine, type DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { Row } from '../pipeline/engine/engine.ts';
import {
  parseReportRequest, parseTimeBound, REPORT_NAMES, ReportParameterError, runReportRequest, UnknownReportError,
} from '../pipeline/reports/index.ts';
import { eventRow, MINUTE_MS, orderRow, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';

const run = promisify(execFile);
const LIVELENS = fileURLToPath(new URL('../bin/livelens.js', import.meta.url));

const at = (minute: number) => T0 + minute * MINUTE_MS;
/** va watches s1 (c1, US), clicks k1, then s2 (c2) and clicks k2 on the same product; vb watches s2 in DE; vc arrives at minute 60; s3 (c1) later. */
const EVENTS = [
  eventRow({ type: 'exposure', viewer_id: 'va', session_id: 'a1', experiment_id: 'exp1', variant: 'control', event_time: at(0) }),
  eventRow({ type: 'startup', viewer_id: 'va', session_id: 'a1', startup_ms: 500, event_time: at(0) }),
  eventRow({ type: 'heartbeat', viewer_id: 'va', session_id: 'a1', watch_ms: 10_000, latency_ms: 1000, event_time: at(1) }),
  eventRow({ type: 'click_to_buy', viewer_id: 'va', session_id: 'a1', user_id: 'ua', click_id: 'k1', product_id: 'p1', offer_id: 'o1', event_time: at(2) }),
  eventRow({ type: 'startup', viewer_id: 'va', session_id: 'a2', show_id: 's2', creator_id: 'c2', startup_ms: 700, event_time: at(5) }),
  eventRow({ type: 'click_to_buy', viewer_id: 'va', session_id: 'a2', show_id: 's2', creator_id: 'c2', user_id: 'ua', click_id: 'k2', product_id: 'p1', offer_id: 'o2', event_time: at(10) }),
  eventRow({ type: 'exposure', viewer_id: 'vb', session_id: 'b1', show_id: 's2', creator_id: 'c2', region: 'DE', experiment_id: 'exp1', variant: 'treatment', event_time: at(3) }),
  eventRow({ type: 'startup', viewer_id: 'vb', session_id: 'b1', show_id: 's2', creator_id: 'c2', region: 'DE', startup_ms: 900, event_time: at(3) }),
  eventRow({ type: 'heartbeat', viewer_id: 'va', session_id: 'a3', show_id: 's3', watch_ms: 10_000, latency_ms: 1000, event_time: at(30) }),
  eventRow({ type: 'heartbeat', viewer_id: 'vc', session_id: 'c1', watch_ms: 10_000, latency_ms: 1000, event_time: at(60) }),
  eventRow({ type: 'heartbeat', retailer_id: 'r2', viewer_id: 'vz', session_id: 'z1', watch_ms: 10_000, latency_ms: 1000, event_time: at(1) }),
  // A creator id with a quote: bound, never spliced.
  eventRow({ type: 'heartbeat', viewer_id: 'vq', session_id: 'q1', creator_id: "c'q", show_id: 'sq', watch_ms: 1000, event_time: at(4) }),
];
/** Attributed by click_id to k1 (show s1); by user and product alone it would be k2 (show s2). */
const ORDERS = [orderRow({ order_id: 'o-1', product_id: 'p1', user_id: 'ua', click_id: 'k1', unit_price: 10, ts: at(20) })];

let dataDir: string;
let engine: DuckDbEngine;
beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', EVENTS);
  await writeLakeTable(dataDir, 'orders', ORDERS);
  engine = await createDuckDbEngine({ dataDir, threads: 1 });
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function rows(report: string, raw: Record<string, string>): Promise<Row[]> {
  return (await runReportRequest(report, raw, { queryEngine: engine })).rows;
}
const pick = (list: Row[], ...keys: string[]) => list.map((r) => keys.map((k) => r[k]));

describe('every report binds the six filters', () => {
  it('params names every bound filter with its value, in every report', async () => {
    const raw = { from: '2026-11-01', to: '2026-11-02T00:00:00Z', retailer: 'r1', creator: 'c1', show: 's1', region: 'US' };
    const extra: Record<string, Record<string, string>> = {
      conversion: { by: 'creator' }, 'conversion-over-time': { by: 'day' }, 'experiment-cumulative': { id: 'exp1' }, qoe: { by: 'region' }, 'qoe-impact': { by: 'startup' }, audience: { by: 'show' }, timeline: {}, experiment: { id: 'exp1' },
    };
    for (const name of REPORT_NAMES) {
      const { json } = await runReportRequest(name, { ...raw, ...extra[name] }, { queryEngine: engine });
      expect(json.params, name).toMatchObject({
        from_ms: Date.UTC(2026, 10, 1), to_ms: Date.UTC(2026, 10, 2), retailer_id: 'r1', creator_id: 'c1', show_id: 's1', region: 'US',
      });
    }
  });
});

describe('what each filter keeps', () => {
  it('--show and --creator keep the events of that show or creator, and the order lines attributed to its clicks', async () => {
    const all = await rows('conversion', { by: 'show' });
    expect(pick(all, 'retailer_id', 'show_id', 'viewers', 'clickers', 'buyers', 'revenue')).toEqual([
      ['r1', 's1', 2, 1, 1, 10], ['r1', 's2', 2, 1, 0, 0], ['r1', 's3', 1, 0, 0, 0], ['r1', 'sq', 1, 0, 0, 0], ['r2', 's1', 1, 0, 0, 0],
    ]);
    // The line stays with its click k1 (show s1): filtering to s2 never moves it to k2.
    expect(pick(await rows('conversion', { by: 'show', show: 's2' }), 'show_id', 'viewers', 'buyers')).toEqual([['s2', 2, 0]]);
    expect(pick(await rows('conversion', { by: 'offer', show: 's1' }), 'offer_id', 'viewers', 'buyers', 'revenue')).toEqual([['o1', 1, 1, 10]]);
    expect(pick(await rows('conversion', { by: 'creator', creator: 'c2' }), 'creator_id', 'viewers', 'clickers', 'buyers')).toEqual([['c2', 2, 1, 0]]);
  });

  it('--region keeps the events of that region; --retailer one retailer', async () => {
    expect(pick(await rows('qoe', { by: 'show', region: 'DE' }), 'show_id', 'sessions', 'startup_p50_ms')).toEqual([['s2', 1, 900]]);
    expect(pick(await rows('qoe', { by: 'region', creator: 'c2' }), 'region', 'sessions')).toEqual([['DE', 1], ['US', 1]]);
    expect(pick(await rows('conversion', { by: 'region', retailer: 'r2' }), 'retailer_id', 'region', 'viewers')).toEqual([['r2', 'US', 1]]);
  });

  it('--from is inclusive and --to exclusive', async () => {
    const s1 = async (raw: Record<string, string>) => pick((await rows('qoe', { by: 'show', retailer: 'r1', ...raw })).filter((r) => r.show_id === 's1'), 'viewers');
    expect(await s1({ from: String(at(0)), to: String(at(60)) })).toEqual([[1]]);
    expect(await s1({ from: String(at(60)) })).toEqual([[1]]);
    expect(await s1({ from: String(at(0)), to: String(at(60) + 1) })).toEqual([[2]]);
  });

  it('filters reach the insight and experiment reports', async () => {
    expect(pick(await rows('qoe-impact', { by: 'startup', show: 's2' }), 'region', 'bucket', 'viewers')).toEqual([['DE', '<1s', 1], ['US', '<1s', 1]]);
    expect(await rows('timeline', { show: 's1', creator: 'c2' })).toEqual([]);
    expect(pick(await rows('timeline', { show: 's2', region: 'DE' }), 'minute', 'clicks')).toEqual([[at(3), 0]]);
    // --show picks the audience rows; the creator's other shows still count as "before".
    expect(pick(await rows('audience', { by: 'show', show: 's3' }), 'show_id', 'viewers', 'returning_viewers')).toEqual([['s3', 1, 1]]);
    const exposed = async (raw: Record<string, string>) => (await runReportRequest('experiment', { id: 'exp1', ...raw }, { queryEngine: engine })).json.exposed_viewers;
    expect(await exposed({})).toBe(2);
    expect(await exposed({ region: 'DE' })).toBe(1);
    expect(await exposed({ creator: 'c9' })).toBe(0);
  });

  it('values are bound, never spliced into the SQL', async () => {
    expect(pick(await rows('conversion', { by: 'creator', creator: "c'q" }), 'creator_id', 'viewers')).toEqual([["c'q", 1]]);
    expect(await rows('conversion', { by: 'creator', creator: "' OR ''='" })).toEqual([]);
    expect(await rows('qoe', { by: 'region', region: "US' --" })).toEqual([]);
  });
});

describe('times', () => {
  it('reads ISO 8601 without a zone as UTC, with a zone as given, and epoch ms', () => {
    expect(parseTimeBound('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    expect(parseTimeBound('2026-11-01T12:00')).toBe(Date.UTC(2026, 10, 1, 12));
    expect(parseTimeBound('2026-11-01T12:00:00.250')).toBe(Date.UTC(2026, 10, 1, 12, 0, 0, 250));
    expect(parseTimeBound('2026-11-01T12:00:00+01:00')).toBe(Date.UTC(2026, 10, 1, 11));
    expect(parseTimeBound('2026-11-01T12:00:00-0530')).toBe(Date.UTC(2026, 10, 1, 17, 30));
    expect(parseTimeBound('2026-11-01T12:00:00z')).toBe(Date.UTC(2026, 10, 1, 12));
    expect(parseTimeBound('1793534400000')).toBe(1_793_534_400_000);
    for (const bad of ['2026-02-30', '2026-11-01T24:00', '2026-13-01', '2026-11-01Z', 'yesterday', '2026-11-01T12:00:00+25:00', '']) {
      expect(() => parseTimeBound(bad), bad).toThrow(/UTC when no zone is given/);
    }
  });

  it('the CLI reads a zoneless --from as UTC whatever the local zone', async () => {
    const { stdout } = await run(process.execPath, [
      LIVELENS, 'report', 'qoe', '--by', 'region', '--from', '2026-11-01T12:00:00', '--format', 'json', '--data-dir', dataDir,
    ], { env: { ...process.env, TZ: 'America/New_York', LIVELENS_DUCKDB_THREADS: '1' } });
    expect((JSON.parse(stdout) as { params: Record<string, unknown> }).params.from_ms).toBe(Date.UTC(2026, 10, 1, 12));
  });
});

describe('the entry point the data API calls', () => {
  it('gives exactly the CLI JSON and CSV for the same parameters', async () => {
    const args = ['report', 'conversion', '--by', 'show', '--creator', 'c1', '--from', '2026-11-01', '--data-dir', dataDir];
    const env = { ...process.env, LIVELENS_DUCKDB_THREADS: '1' };
    const [json, csv] = await Promise.all([
      run(process.execPath, [LIVELENS, ...args, '--format', 'json'], { env }),
      run(process.execPath, [LIVELENS, ...args, '--format', 'csv'], { env }),
    ]);
    const out = await runReportRequest('conversion', { by: 'show', creator: 'c1', from: '2026-11-01' }, { queryEngine: engine });
    expect(json.stdout).toBe(out.render('json'));
    expect(JSON.parse(json.stdout)).toEqual(out.json);
    expect(csv.stdout).toBe(out.render('csv'));
  });

  it('refuses bad parameters, naming the parameter and what is allowed', () => {
    const refused = (report: string, raw: Record<string, string | string[]>) => {
      try {
        parseReportRequest(report, raw);
      } catch (err) {
        expect(err).toBeInstanceOf(ReportParameterError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused('qoe', { by: 'region', colour: 'red' })).toBe('colour: is not a parameter of report qoe: use by, from, to, retailer, creator, show, region');
    expect(refused('qoe', { by: 'region', window: '2h' })).toMatch(/^window: is not a parameter of report qoe/);
    expect(refused('qoe', { by: 'offer' })).toBe('by: "offer" is not allowed: use region|show|device');
    expect(refused('qoe', {})).toBe('by: is required: use region|show|device');
    expect(refused('timeline', {})).toBe('show: is required');
    expect(refused('experiment', {})).toBe('id: is required');
    expect(refused('conversion', { by: 'show', region: ['US', 'DE'] })).toBe('region: given 2 times: give it once');
    expect(refused('conversion', { by: 'show', from: 'soon' })).toMatch(/^from: time "soon" is not ISO 8601 .*UTC when no zone is given/);
    expect(refused('conversion', { by: 'show', from: '2026-11-02', to: '2026-11-01' })).toMatch(/^from: .* must be before to/);
    expect(refused('conversion', { by: 'show', window: '1w' })).toMatch(/^window: window "1w" is not a duration/);
    expect(refused('conversion', { by: 'show', creator: ' c1' })).toMatch(/^creator: creator " c1" is not allowed/);
    expect(refused('conversion', { by: 'show', show: 'x'.repeat(257) })).toMatch(/^show: show is not allowed: at most 256 characters/);
    expect(refused('experiment', { id: 'a"b' })).toMatch(/^id: "a\\"b" is not allowed/);
    expect(refused('experiment', { id: 'e', method: 'magic' })).toBe('method: "magic" is not allowed: use frequentist|bayesian|sequential');
    expect(() => parseReportRequest('revenue', {})).toThrow(UnknownReportError);
    expect(() => parseReportRequest('revenue', {})).toThrow('report "revenue" is not known: use conversion, qoe, experiment, qoe-impact, audience, timeline, experiment-cumulative, conversion-over-time');
  });
});
