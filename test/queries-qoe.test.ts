/**
 * Quality of experience (docs/spec.md §4) and per-session rows on a
 * hand-made fixture; percentiles checked against hand computation of
 * linear interpolation (DuckDB quantile_cont: position (n - 1) * p).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { Row } from '../pipeline/engine/engine.ts';
import { eventRow, MINUTE_MS, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';
import type { FixtureRow } from './queries-fixtures.ts';

const ALL = { from_ms: 0, to_ms: 8_640_000_000_000_000, retailer_id: '', creator_id: '', show_id: '', region: '' };

let minute = 0;
/** Events of one session, a minute apart. */
function session(session_id: string, viewer_id: string, fields: FixtureRow, events: FixtureRow[]): FixtureRow[] {
  return events.map((e) => eventRow({ session_id, viewer_id, ...fields, ...e, type: String(e.type), event_time: T0 + (minute += 1) * MINUTE_MS }));
}

const sA = session('sA', 'va', { region: 'US', device: 'desktop' }, [
  { type: 'startup', startup_ms: 100 },
  { type: 'heartbeat', watch_ms: 60_000, latency_ms: 1000 },
  { type: 'buffer_start' },
  { type: 'buffer_end', buffer_ms: 3000 },
  { type: 'heartbeat', watch_ms: 60_000, latency_ms: 2000 },
  { type: 'error', code: 'E1', fatal: false },
  { type: 'startup', startup_ms: 400 },
  { type: 'heartbeat', watch_ms: 60_000, latency_ms: 3000 },
]);
const sB = session('sB', 'vb', { region: 'US', device: 'mobile' }, [
  { type: 'startup', startup_ms: 200 },
  { type: 'heartbeat', watch_ms: 60_000, latency_ms: 4000 },
  { type: 'buffer_end', buffer_ms: 3000 },
  { type: 'startup', startup_ms: 1000 },
  { type: 'heartbeat', watch_ms: 60_000, latency_ms: 5000 },
  { type: 'error', code: 'E9', fatal: true },
]);
const sC = session('sC', 'vc', { region: 'DE', device: 'desktop', show_id: 's2' }, [
  { type: 'startup', startup_ms: 700 },
  { type: 'heartbeat', watch_ms: 30_000, latency_ms: 1500 },
]);
// Another retailer's session must not leak into r1's numbers.
const other = session('sX', 'vx', { retailer_id: 'r2', region: 'US', device: 'desktop' }, [
  { type: 'startup', startup_ms: 99_999 },
  { type: 'heartbeat', watch_ms: 1, latency_ms: 99_999 },
]);

/** Numbers equal to 9 decimal places (interpolation rounds in the last bit); everything else exactly. */
function expectRows(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(Object.keys(row)).toEqual(Object.keys(expected[i]!));
    for (const [k, v] of Object.entries(expected[i]!)) {
      if (typeof v === 'number') expect(row[k], `${k} of row ${i}`).toBeCloseTo(v, 9);
      else expect(row[k], `${k} of row ${i}`).toBe(v);
    }
  });
}

let dataDir: string;
let engine: DuckDbEngine | undefined;

beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', [...sA, ...sB, ...sC, ...other], 'part-0');
  // A heartbeat and a buffer_end delivered twice: counted once.
  await writeLakeTable(dataDir, 'events', [sA[7]!, sB[2]!], 'part-1');
});

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function open(): Promise<DuckDbEngine> {
  engine = await createDuckDbEngine({ dataDir, threads: 1 });
  return engine;
}

const qoeColumns = (key: string) => [
  ['retailer_id', 'VARCHAR'], [key, 'VARCHAR'], ['sessions', 'BIGINT'], ['viewers', 'BIGINT'],
  ['startup_p50_ms', 'DOUBLE'], ['startup_p95_ms', 'DOUBLE'], ['rebuffer_pct', 'DOUBLE'], ['rebuffers_per_minute', 'DOUBLE'],
  ['latency_p50_ms', 'DOUBLE'], ['latency_p95_ms', 'DOUBLE'], ['latency_p99_ms', 'DOUBLE'], ['playback_failure_pct', 'DOUBLE'],
  ['ebvs_pct', 'DOUBLE'],
].map(([name, type]) => ({ name, type }));

describe('qoe reports', () => {
  it('by region', async () => {
    const e = await open();
    const result = await e.query('qoe_by_group', { ...ALL, retailer_id: 'r1' }, { group: 'region' });
    expect(result.columns).toEqual(qoeColumns('region'));
    expectRows(result.rows, [
      // DE: one startup (700), one heartbeat (30 s, 1500 ms), no rebuffers, no failures.
      { retailer_id: 'r1', region: 'DE', sessions: 1, viewers: 1, startup_p50_ms: 700, startup_p95_ms: 700, rebuffer_pct: 0, rebuffers_per_minute: 0,
        latency_p50_ms: 1500, latency_p95_ms: 1500, latency_p99_ms: 1500, playback_failure_pct: 0, ebvs_pct: 0 },
      // US: startups [100, 200, 400, 1000]: p50 at 1.5 → 300, p95 at 2.85 → 400 + 0.85 × 600 = 910.
      // Latency [1000..5000]: p50 3000, p95 at 3.8 → 4800, p99 at 3.96 → 4960.
      // 5 heartbeats × 60 s watched, 2 rebuffers of 3 s: 100 × 6000 / 306000 %, 2 / 5 per minute. sB failed: 1 of 2.
      { retailer_id: 'r1', region: 'US', sessions: 2, viewers: 2, startup_p50_ms: 300, startup_p95_ms: 910, rebuffer_pct: 600000 / 306000, rebuffers_per_minute: 0.4,
        latency_p50_ms: 3000, latency_p95_ms: 4800, latency_p99_ms: 4960, playback_failure_pct: 50, ebvs_pct: 0 },
    ]);
  });

  it('by device', async () => {
    const e = await open();
    const result = await e.query('qoe_by_group', { ...ALL, retailer_id: 'r1' }, { group: 'device' });
    expect(result.columns).toEqual(qoeColumns('device'));
    expectRows(result.rows, [
      // desktop = sA + sC: startups [100, 400, 700] → p50 400, p95 at 1.9 → 670; latency [1000, 1500, 2000, 3000]
      // → p50 1750, p95 at 2.85 → 2850, p99 at 2.97 → 2970; 210 s watched, one 3 s rebuffer.
      { retailer_id: 'r1', device: 'desktop', sessions: 2, viewers: 2, startup_p50_ms: 400, startup_p95_ms: 670, rebuffer_pct: 300000 / 213000,
        rebuffers_per_minute: 1 / 3.5, latency_p50_ms: 1750, latency_p95_ms: 2850, latency_p99_ms: 2970, playback_failure_pct: 0, ebvs_pct: 0 },
      // mobile = sB: startups [200, 1000] → 600, 960; latency [4000, 5000] → 4500, 4950, 4990; 120 s watched, 3 s rebuffering.
      { retailer_id: 'r1', device: 'mobile', sessions: 1, viewers: 1, startup_p50_ms: 600, startup_p95_ms: 960, rebuffer_pct: 300000 / 123000,
        rebuffers_per_minute: 0.5, latency_p50_ms: 4500, latency_p95_ms: 4950, latency_p99_ms: 4990, playback_failure_pct: 100, ebvs_pct: 0 },
    ]);
  });

  it('by show, every retailer', async () => {
    const e = await open();
    const rows = await e.run('qoe_by_group', ALL, { group: 'show_id' });
    expect(rows.map((r) => [r.retailer_id, r.show_id, r.sessions, r.viewers, r.startup_p50_ms, r.playback_failure_pct])).toEqual([
      ['r1', 's1', 2, 2, 300, 50],
      ['r1', 's2', 1, 1, 700, 0],
      ['r2', 's1', 1, 1, 99_999, 0],
    ]);
  });

  it('limits to the period of event_time', async () => {
    const e = await open();
    // Only sA's first four events (minutes 1 to 4): one startup, one heartbeat, one rebuffer.
    const rows = await e.run('qoe_by_group', { ...ALL, from_ms: T0 + MINUTE_MS, to_ms: T0 + 5 * MINUTE_MS, retailer_id: 'r1' }, { group: 'region' });
    expect(rows.map((r) => [r.region, r.sessions, r.startup_p50_ms, r.rebuffer_pct, r.rebuffers_per_minute])).toEqual([['US', 1, 100, 100 * 3000 / 63000, 1]]);
  });
});

describe('qoe of a group with nothing measured', () => {
  it('keeps the group, with null percentiles and ratios, and counts its failures and exits before video start', async () => {
    // A session that never started playing: only session_start and a fatal error
    // (no startup, heartbeat or buffer_end rows for the measuring pass to find).
    const dir = tempDataDir();
    await writeLakeTable(dir, 'events', [
      ...session('sF', 'vf', { region: 'BR', device: 'tv' }, [{ type: 'session_start' }, { type: 'error', code: 'E2', fatal: true }]),
      // An exit before video start: neither a startup nor a fatal error (a non-fatal one does not count).
      ...session('sE', 've', { region: 'BR', device: 'tv' }, [{ type: 'session_start' }, { type: 'error', code: 'E3', fatal: false }, { type: 'session_end' }]),
      ...session('sG', 'vg', { region: 'DE', device: 'desktop' }, [{ type: 'startup', startup_ms: 500 }, { type: 'heartbeat', watch_ms: 60_000 }]),
    ]);
    engine = await createDuckDbEngine({ dataDir: dir, threads: 1 });
    const result = await engine.query('qoe_by_group', { ...ALL, retailer_id: 'r1' }, { group: 'region' });
    expectRows(result.rows, [
      // sF failed, sE left before the first frame: 1 of 2 each.
      { retailer_id: 'r1', region: 'BR', sessions: 2, viewers: 2, startup_p50_ms: null, startup_p95_ms: null, rebuffer_pct: null,
        rebuffers_per_minute: null, latency_p50_ms: null, latency_p95_ms: null, latency_p99_ms: null, playback_failure_pct: 50, ebvs_pct: 50 },
      { retailer_id: 'r1', region: 'DE', sessions: 1, viewers: 1, startup_p50_ms: 500, startup_p95_ms: 500, rebuffer_pct: 0,
        rebuffers_per_minute: 0, latency_p50_ms: null, latency_p95_ms: null, latency_p99_ms: null, playback_failure_pct: 0, ebvs_pct: 0 },
    ]);
  });
});

describe('sessions', () => {
  it('one row per playback session', async () => {
    const e = await open();
    const result = await e.query('sessions', { ...ALL, retailer_id: 'r1' });
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'retailer_id:VARCHAR', 'session_id:VARCHAR', 'viewer_id:VARCHAR', 'show_id:VARCHAR', 'creator_id:VARCHAR', 'region:VARCHAR',
      'device:VARCHAR', 'started_at:BIGINT', 'last_event_at:BIGINT', 'watch_ms:DOUBLE', 'startup_ms:DOUBLE', 'rebuffers:BIGINT',
      'rebuffer_ms:DOUBLE', 'latency_p50_ms:DOUBLE', 'errors:BIGINT', 'fatal_failure:BOOLEAN',
    ]);
    expect(result.rows.map((r) => [r.session_id, r.viewer_id, r.region, r.device, r.started_at, r.last_event_at, r.watch_ms, r.startup_ms, r.rebuffers, r.rebuffer_ms, r.latency_p50_ms, r.errors, r.fatal_failure])).toEqual([
      ['sA', 'va', 'US', 'desktop', T0 + MINUTE_MS, T0 + 8 * MINUTE_MS, 180_000, 100, 1, 3000, 2000, 1, false],
      ['sB', 'vb', 'US', 'mobile', T0 + 9 * MINUTE_MS, T0 + 14 * MINUTE_MS, 120_000, 200, 1, 3000, 4500, 1, true],
      ['sC', 'vc', 'DE', 'desktop', T0 + 15 * MINUTE_MS, T0 + 16 * MINUTE_MS, 30_000, 700, 0, 0, 1500, 0, false],
    ]);
  });
});
