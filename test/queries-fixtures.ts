/**
 * Hand-written lake fixtures for query tests: rows with exactly the
 * contract's lake columns, written as Hive-partitioned Parquet by DuckDB
 * (`COPY (SELECT ...) TO ... (FORMAT parquet)`), as ingest and the orders
 * import land them.
 *
 * @example
 * await writeLakeTable(dir, 'events', [eventRow({ type: 'startup', event_time: T0, startup_ms: 300 })]);
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE_DIR, LAKE_EVENT_COLUMNS, LAKE_ORDER_COLUMNS, LAKE_TABLES } from '../contract/lake.ts';
import type { SqlValue } from '../pipeline/engine/engine.ts';

export type FixtureRow = Record<string, SqlValue>;

const TABLE_COLUMNS = { events: LAKE_EVENT_COLUMNS, orders: LAKE_ORDER_COLUMNS } as const;

/** 2026-11-01T12:00:00Z, the fixtures' reference time. */
export const T0 = Date.UTC(2026, 10, 1, 12);
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

let nextEventNumber = 0;

/** An event row with contract defaults (retailer r1, region US, desktop) and a fresh event_id. */
export function eventRow(fields: FixtureRow & { type: string; event_time: number }): FixtureRow {
  nextEventNumber += 1;
  return {
    event_id: `evt-${String(nextEventNumber).padStart(6, '0')}`,
    ts: fields.event_time,
    received_at: fields.event_time,
    retailer_id: 'r1',
    viewer_id: 'v1',
    session_id: 'sess1',
    show_id: 's1',
    creator_id: 'c1',
    region: 'US',
    device: 'desktop',
    ...fields,
  };
}

/** An order line row with defaults (retailer r1, USD, imported at T0). */
export function orderRow(fields: FixtureRow & { order_id: string; ts: number }): FixtureRow {
  return { retailer_id: 'r1', quantity: 1, currency: 'USD', imported_at: T0, click_id: null, ...fields };
}

/** A fresh temporary data dir. */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'livelens-queries-'));
}

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Writes rows as Parquet files `lake/<table>/dt=YYYY-MM-DD/<file>.parquet`
 * (dt from event_time / ts), one file per date. Missing columns are NULL.
 */
export async function writeLakeTable(dataDir: string, table: 'events' | 'orders', rows: FixtureRow[], file = 'part-0'): Promise<void> {
  const columns = TABLE_COLUMNS[table];
  const timeColumn = table === 'events' ? 'event_time' : 'ts';
  const byDate = new Map<string, FixtureRow[]>();
  for (const row of rows) {
    const dt = utcDate(Number(row[timeColumn]));
    byDate.set(dt, [...(byDate.get(dt) ?? []), row]);
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const [dt, dayRows] of byDate) {
      const dir = path.join(dataDir, LAKE_DIR, LAKE_TABLES[table], `dt=${dt}`);
      fs.mkdirSync(dir, { recursive: true });
      const json = path.join(dir, `${file}.ndjson`);
      fs.writeFileSync(json, dayRows.map((r) => JSON.stringify(r)).join('\n'));
      const columnTypes = Object.entries(columns).map(([name, type]) => `${name}: '${type}'`).join(', ');
      const select = Object.keys(columns).join(', ');
      // Written beside its name and renamed into place, as the lake's writers publish (pipeline/lake/durable-file.ts):
      // an engine listing the lake while a test lands a file never reads it half-written.
      const parquet = path.join(dir, `${file}.parquet`);
      await connection.run(
        `COPY (SELECT ${select} FROM read_json('${json}', format = 'newline_delimited', columns = {${columnTypes}})) ` +
        `TO '${parquet}.tmp' (FORMAT parquet)`,
      );
      fs.renameSync(`${parquet}.tmp`, parquet);
      fs.rmSync(json);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
