/**
 * Shared helpers of the ingest and orders tests: enriched events of every
 * type, and reading a lake table back through DuckDB's Hive-partitioned
 * Parquet reader.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnrichedEvent } from '../contract/enriched.ts';
import { tableGlob, type LakeTable } from '../pipeline/lake/partitions.ts';

/** 2026-11-27T23:59:59.000Z: events around midnight land in two partitions. */
export const BASE_MS = Date.UTC(2026, 10, 27, 23, 59, 59);

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'livelens-ingest-'));
}

/**
 * Registers clean-up after each test of the calling file and returns a maker
 * of fresh data dirs that are removed then.
 *
 * @example
 * const setup = useTempDataDirs(); // at file level
 * it('...', () => { const dataDir = setup(); });
 */
export function useTempDataDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = tempDataDir();
    dirs.push(d);
    return d;
  };
}

/** A valid enriched event; `i` makes the id unique, `props` and `extra` override. */
export function enriched(i: number, extra: Partial<EnrichedEvent> = {}): EnrichedEvent {
  return {
    event_id: `evt-${String(i).padStart(8, '0')}`,
    type: 'heartbeat',
    ts: BASE_MS + i,
    viewer_id: `viewer-${i % 7}`,
    session_id: `session-${i % 11}`,
    show_id: 'show-1',
    creator_id: 'creator-1',
    props: { watch_ms: 5000, latency_ms: 1800.5 },
    retailer_id: 'retailer-1',
    received_at: BASE_MS + i + 10,
    event_time: BASE_MS + i,
    region: 'US',
    device: 'desktop',
    ...extra,
  } as EnrichedEvent;
}

/** One event of every type, with every optional field somewhere. */
export function everyType(): EnrichedEvent[] {
  const propsByType: Array<[string, Record<string, unknown>, Partial<EnrichedEvent>]> = [
    ['session_start', { autoplay: true, page: '/live/show-1' }, { user_id: 'user-1', experiments: { exp1: 'B', exp2: 'A' } }],
    ['startup', { startup_ms: 812.25 }, { experiments: {} }],
    ['heartbeat', { watch_ms: 60000, latency_ms: 2400, bitrate_kbps: 4500, quality: '1080p60' }, {}],
    ['buffer_start', {}, {}],
    ['buffer_end', { buffer_ms: 1530 }, {}],
    ['quality_change', { from_kbps: 4500, to_kbps: 1200, quality: '480p' }, {}],
    ['error', { code: 'NETWORK', message: "it's \"quoted\" ünïcode", fatal: false }, {}],
    ['chat_message', { length: 42 }, {}],
    ['product_impression', { product_id: 'p-1', offer_id: 'o-1' }, {}],
    ['click_to_buy', { product_id: 'p-1', offer_id: 'o-1', click_id: 'click-1', price: 19.99, currency: 'EUR' }, { user_id: 'user-1' }],
    ['exposure', { experiment_id: 'exp1', variant: 'B' }, {}],
    ['session_end', { reason: 'user left' }, { region: 'unknown', device: 'mobile' }],
  ];
  return propsByType.map(([type, props, extra], i) => enriched(1000 + i, { type, props, ...extra } as Partial<EnrichedEvent>));
}

export type PlainRow = Record<string, string | number | boolean | null>;

/** Every row of a lake table (with its `dt` partition column), BIGINTs as numbers, ordered by `orderBy`. */
export async function readLake(dataDir: string, table: LakeTable, orderBy: string): Promise<PlainRow[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const reader = await con.runAndReadAll(
      `SELECT * FROM read_parquet('${tableGlob(dataDir, table)}', hive_partitioning = true, hive_types = {'dt': VARCHAR}) ORDER BY ${orderBy}`,
    );
    return reader.getRowObjects().map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : (v as string | number | boolean | null)])),
    );
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** Column names and DuckDB types of a lake table's files. */
export async function lakeSchema(dataDir: string, table: LakeTable): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const reader = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${tableGlob(dataDir, table)}', hive_partitioning = false)`);
    return Object.fromEntries(reader.getRowsJson().map((r) => [String(r[0]), String(r[1])]));
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
