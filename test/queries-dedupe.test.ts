/**
 * Events count once per event_id, the earliest received copy winning
 * (docs/spec.md §4; contract/lake.ts), and order lines once per
 * (retailer_id, order_id, product_id), the latest import winning. DuckDB
 * computes `events` from an index of extra copies (pipeline/engine/duckdb-lake-views.ts);
 * Athena runs queries/views/events.sql. Both must give the same rows.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createDuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import { readQueryFile } from '../pipeline/engine/query-files.ts';
import { eventRow, MINUTE_MS, orderRow, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';

let engine: DuckDbEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const a = eventRow({ type: 'heartbeat', event_time: T0, watch_ms: 1000 });
const b = eventRow({ type: 'startup', event_time: T0 + MINUTE_MS, startup_ms: 300 });
const c = eventRow({ type: 'click_to_buy', event_time: T0 + 2 * MINUTE_MS, click_id: 'k1', product_id: 'p1', offer_id: 'o1' });
/** A client retry of b: later received_at, slightly different event_time. */
const bRetry = { ...b, received_at: Number(b.received_at) + 9_000, event_time: Number(b.event_time) + 40, watch_ms: null };
/** An exact re-read of c (same record read twice by ingest), in the same file and in another day's file. */
const cLate = { ...c, received_at: Number(c.received_at) + 86_400_000, event_time: Number(c.event_time) + 86_400_000 };

describe('dedupe', () => {
  it('keeps one copy per event_id, the earliest received, on DuckDB exactly as the portable view does', async () => {
    const dataDir = tempDataDir();
    await writeLakeTable(dataDir, 'events', [a, bRetry, c, c], 'part-0');
    await writeLakeTable(dataDir, 'events', [b, cLate, a], 'part-1');
    engine = await createDuckDbEngine({ dataDir });
    const duck = await engine.select('SELECT event_id, type, event_time, received_at FROM events ORDER BY event_id');
    const portable = await engine.select(`SELECT event_id, type, event_time, received_at FROM (\n${readQueryFile('views/events')}\n) v ORDER BY event_id`);
    expect(duck.rows).toEqual([
      { event_id: a.event_id, type: 'heartbeat', event_time: T0, received_at: T0 },
      { event_id: b.event_id, type: 'startup', event_time: T0 + MINUTE_MS, received_at: T0 + MINUTE_MS },
      { event_id: c.event_id, type: 'click_to_buy', event_time: T0 + 2 * MINUTE_MS, received_at: T0 + 2 * MINUTE_MS },
    ]);
    expect(portable.rows).toEqual(duck.rows);
    expect(duck.columns.map((col) => `${col.name}:${col.type}`)).toEqual(['event_id:VARCHAR', 'type:VARCHAR', 'event_time:BIGINT', 'received_at:BIGINT']);
  });

  it('sees files that land after the engine opened', async () => {
    const dataDir = tempDataDir();
    await writeLakeTable(dataDir, 'events', [a], 'part-0');
    engine = await createDuckDbEngine({ dataDir });
    expect((await engine.select('SELECT count(*) AS n FROM events')).rows).toEqual([{ n: 1 }]);
    await writeLakeTable(dataDir, 'events', [a, b], 'part-1');
    expect((await engine.select('SELECT count(*) AS n FROM events')).rows).toEqual([{ n: 2 }]);
    fs.rmSync(`${dataDir}/lake/events`, { recursive: true });
    expect((await engine.select('SELECT count(*) AS n FROM events')).rows).toEqual([{ n: 0 }]);
  });

  it('keeps the latest import of each order line', async () => {
    const dataDir = tempDataDir();
    const line = orderRow({ order_id: 'o1', product_id: 'p1', ts: T0, unit_price: 5, quantity: 1 });
    await writeLakeTable(dataDir, 'orders', [line, { ...line, product_id: 'p2' }], 'import-0');
    await writeLakeTable(dataDir, 'orders', [{ ...line, quantity: 4, imported_at: T0 + 1 }, { ...line, retailer_id: 'r2' }], 'import-1');
    engine = await createDuckDbEngine({ dataDir });
    const rows = (await engine.select('SELECT retailer_id, order_id, product_id, quantity FROM orders ORDER BY ALL')).rows;
    expect(rows).toEqual([
      { retailer_id: 'r1', order_id: 'o1', product_id: 'p1', quantity: 4 },
      { retailer_id: 'r1', order_id: 'o1', product_id: 'p2', quantity: 1 },
      { retailer_id: 'r2', order_id: 'o1', product_id: 'p1', quantity: 1 },
    ]);
  });

  it('keeps the same copy of a key imported twice in one millisecond, whatever order the files are read in', async () => {
    const line = orderRow({ order_id: 'o1', product_id: 'p1', ts: T0, unit_price: 5, quantity: 1, imported_at: T0 + 7 });
    const other = { ...line, quantity: 3, unit_price: 4 };
    const kept: unknown[] = [];
    for (const [first, second] of [[line, other], [other, line]]) {
      const dataDir = tempDataDir();
      await writeLakeTable(dataDir, 'orders', [first], 'import-0');
      await writeLakeTable(dataDir, 'orders', [second], 'import-1');
      engine = await createDuckDbEngine({ dataDir, threads: 1 });
      const table = (await engine.select('SELECT quantity, unit_price FROM orders')).rows;
      const portable = (await engine.select(`SELECT quantity, unit_price FROM (\n${readQueryFile('views/orders')}\n) v`)).rows;
      expect(portable).toEqual(table);
      kept.push(...table);
      await engine.close();
      engine = undefined;
    }
    // The larger quantity wins the tie (content order: ts, quantity, unit_price descending, then the rest).
    expect(kept).toEqual([{ quantity: 3, unit_price: 4 }, { quantity: 3, unit_price: 4 }]);
  });
});

describe('DuckDB engine settings', () => {
  it('pins UTC, applies memory_limit and threads, and refuses extension downloads', async () => {
    engine = await createDuckDbEngine({ dataDir: tempDataDir(), memoryLimit: '256MB', threads: 1 });
    const { rows } = await engine.select(
      "SELECT current_setting('TimeZone') AS tz, current_setting('memory_limit') AS mem, current_setting('threads') AS threads, " +
      "current_setting('autoinstall_known_extensions') AS autoinstall, strftime(TIMESTAMPTZ '2026-11-01 12:00:00+00', '%H') AS hour",
    );
    expect(rows).toEqual([{ tz: 'UTC', mem: '244.1 MiB', threads: 1, autoinstall: false, hour: '12' }]);
  });
});
