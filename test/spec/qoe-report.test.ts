/**
 * docs/spec.md §4 (quality of experience), black box: a hand-made set of sessions posted to a
 * real `livelens serve`, landed with `livelens ingest --once`, and `livelens report qoe`
 * checked against hand-computed linear-interpolated percentiles and ratios.
 * SPEC names the measures but not their JSON fields; the names below are the product's
 * (startup_p50_ms, rebuffer_pct, ...), the values are SPEC's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDir, runCli, startServe } from './cli-harness.ts';

const KEY = 'specQoeKey-gggg';
const T0 = Date.now() - 2 * 3_600_000;

type Json = Record<string, unknown>;
type Row = Record<string, unknown>;

let counter = 0;
function ev(viewer: string, session: string, type: string, props: Json = {}): Json {
  counter += 1;
  return {
    event_id: `qoe_${session}_${type}_${counter}`,
    type,
    ts: T0 + counter * 1000,
    viewer_id: viewer,
    session_id: session,
    show_id: 'qshow',
    creator_id: 'qcreator',
    props,
  };
}

/** Region DE: two sessions, one with a fatal error. */
const GERMAN = [
  ev('a', 'sa', 'session_start'),
  ev('a', 'sa', 'startup', { startup_ms: 1000 }),
  ev('a', 'sa', 'heartbeat', { watch_ms: 60_000, latency_ms: 2000 }),
  ev('a', 'sa', 'heartbeat', { watch_ms: 60_000, latency_ms: 4000 }),
  ev('a', 'sa', 'buffer_start'),
  ev('a', 'sa', 'buffer_end', { buffer_ms: 3000 }),
  ev('a', 'sa', 'error', { code: 'E', fatal: true }),
  ev('b', 'sb', 'startup', { startup_ms: 3000 }),
  ev('b', 'sb', 'heartbeat', { watch_ms: 30_000, latency_ms: 3000 }),
  ev('b', 'sb', 'buffer_end', { buffer_ms: 1000 }),
  ev('b', 'sb', 'error', { code: 'W', fatal: false }),
];
/** No country header: one clean session. */
const UNKNOWN = [ev('c', 'sc', 'startup', { startup_ms: 500 }), ev('c', 'sc', 'heartbeat', { watch_ms: 60_000 })];

let dataDir = '';
let byRegion: Row[] = [];
let byShow: Row[] = [];
let byDevice: Row[] = [];

async function report(by: string): Promise<Row[]> {
  const result = await runCli(['report', 'qoe', '--by', by, '--format', 'json', '--data-dir', dataDir]);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { rows: Row[] }).rows;
}

beforeAll(async () => {
  dataDir = await makeDataDir();
  const serve = await startServe(['--data-dir', dataDir, '--port', '0', '--write-keys', `${KEY}@rq`]);
  try {
    for (const [events, headers] of [
      [GERMAN, { 'cloudfront-viewer-country': 'DE' }],
      [UNKNOWN, {}],
    ] as const) {
      const response = await fetch(`${serve.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': KEY, ...headers },
        body: JSON.stringify({ sent_at: Date.now(), events }),
      });
      expect(await response.json()).toEqual({ accepted: events.length, rejected: [] });
    }
  } finally {
    await serve.stop();
  }
  const ingest = await runCli(['ingest', '--once', '--data-dir', dataDir]);
  expect(ingest.code, ingest.stderr).toBe(0);
  [byRegion, byShow, byDevice] = await Promise.all([report('region'), report('show'), report('device')]);
}, 120_000);

afterAll(async () => {
  await removeDir(dataDir);
});

describe('report qoe', () => {
  it('--by region: percentiles, rebuffer %, rebuffers per minute, failure % by hand', () => {
    const de = byRegion.find((row) => row['region'] === 'DE');
    expect(de).toBeDefined();
    // startup [1000, 3000]: p50 2000, p95 1000 + 0.95 × 2000.
    expect(Number(de?.['startup_p50_ms'])).toBeCloseTo(2000, 9);
    expect(Number(de?.['startup_p95_ms'])).toBeCloseTo(2900, 9);
    // 4000 ms buffering / (150000 ms watching + 4000) as a percentage.
    expect(Number(de?.['rebuffer_pct'])).toBeCloseTo((100 * 4000) / 154_000, 9);
    // two buffer_end in 150000 ms = 2.5 minutes.
    expect(Number(de?.['rebuffers_per_minute'])).toBeCloseTo(2 / 2.5, 9);
    // latency [2000, 3000, 4000]: p50 3000, p95 3000 + 0.9 × 1000, p99 3000 + 0.98 × 1000.
    expect(Number(de?.['latency_p50_ms'])).toBeCloseTo(3000, 9);
    expect(Number(de?.['latency_p95_ms'])).toBeCloseTo(3900, 9);
    expect(Number(de?.['latency_p99_ms'])).toBeCloseTo(3980, 9);
    // one of two sessions had a fatal error.
    expect(Number(de?.['playback_failure_pct'])).toBeCloseTo(50, 9);

    const unknown = byRegion.find((row) => row['region'] === 'unknown');
    expect(Number(unknown?.['startup_p50_ms'])).toBe(500);
    expect(Number(unknown?.['rebuffer_pct'])).toBe(0);
    expect(Number(unknown?.['rebuffers_per_minute'])).toBe(0);
    expect(unknown?.['latency_p50_ms']).toBeNull();
    expect(Number(unknown?.['playback_failure_pct'])).toBe(0);
  });

  it('--by show pools every region of the show', () => {
    expect(byShow).toHaveLength(1);
    const show = byShow[0];
    expect(show?.['show_id']).toBe('qshow');
    // startup [500, 1000, 3000]: p50 1000, p95 1000 + 0.9 × 2000.
    expect(Number(show?.['startup_p50_ms'])).toBeCloseTo(1000, 9);
    expect(Number(show?.['startup_p95_ms'])).toBeCloseTo(2800, 9);
    expect(Number(show?.['rebuffer_pct'])).toBeCloseTo((100 * 4000) / 214_000, 9);
    expect(Number(show?.['playback_failure_pct'])).toBeCloseTo(100 / 3, 9);
  });

  it('--by device gives one row per device class', () => {
    expect(byDevice.length).toBeGreaterThanOrEqual(1);
    const sessions = byDevice.reduce((total, row) => total + Number(row['sessions'] ?? 0), 0);
    expect(sessions).toBe(3);
  });
});
