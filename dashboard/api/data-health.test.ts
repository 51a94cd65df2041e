/**
 * Data health on the shared DuckDB engine (its events_copies index) gives
 * exactly the rows of its own-session path (count(DISTINCT event_id)), on a
 * lake with copies on the same day, across days received, across retailers
 * and across `dt` partitions; and sees files landing after the engine opened.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKE_EVENT_COLUMNS } from '../../contract/lake.ts';
import { createDuckDbEngine, type DuckDbEngine } from '../../pipeline/engine/duckdb.ts';
import { openWriterSession, sqlString } from '../../pipeline/lake/duckdb-session.ts';
import { dataHealth, type DataHealthFilters } from './data-health.ts';

const DAY = 86_400_000;
const NOV1 = Date.UTC(2026, 10, 1);

/** [event_id, retailer_id, received_at]; event_time is received_at - 1 s. */
type Delivery = [string, string, number];

async function writeEvents(dataDir: string, dt: string, file: string, rows: Delivery[]): Promise<void> {
  const db = await openWriterSession();
  try {
    const values = rows.map(([id, retailer, received]) => `(${sqlString(id)}, ${sqlString(retailer)}, ${received})`).join(', ');
    const columns = Object.entries(LAKE_EVENT_COLUMNS).map(([name, type]) => {
      if (name === 'event_id') return 'id AS event_id';
      if (name === 'retailer_id') return 'retailer AS retailer_id';
      if (name === 'received_at') return 'received AS received_at';
      if (name === 'event_time' || name === 'ts') return `received - 1000 AS ${name}`;
      if (name === 'type') return "'page_view' AS type";
      return `CAST(NULL AS ${type}) AS ${name}`;
    });
    const partition = join(dataDir, 'lake', 'events', `dt=${dt}`);
    mkdirSync(partition, { recursive: true });
    const target = join(partition, file);
    await db.con.run(`COPY (SELECT ${columns.join(', ')} FROM (VALUES ${values}) v(id, retailer, received)) TO ${sqlString(target)} (FORMAT parquet)`);
  } finally {
    db.close();
  }
}

let dataDir: string;
let engine: DuckDbEngine;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'livelens-health-'));
  await writeEvents(dataDir, '2026-11-01', 'a.parquet', [
    ['e1', 'r1', NOV1 + 1000], ['e1', 'r1', NOV1 + 2000], // a copy the same day
    ['e2', 'r1', NOV1 + 3000], ['e3', 'r2', NOV1 + 4000],
    ['e4', 'r1', NOV1 + DAY - 1000], // its copy is received the next day
    ['e5', 'r1', NOV1 + 5000], ['e5', 'r2', NOV1 + 6000], // one id under two retailers
  ]);
  await writeEvents(dataDir, '2026-11-02', 'b.parquet', [
    ['e4', 'r1', NOV1 + DAY + 1000], ['e6', 'r2', NOV1 + DAY + 2000],
    ['e1', 'r1', NOV1 + DAY + 3000], // a third copy of e1, another partition and day
    ['e6', 'r2', NOV1 + DAY + 2500], ['e6', 'r2', NOV1 + DAY + 2600],
  ]);
  engine = await createDuckDbEngine({ dataDir, connections: 1, threads: 1, memoryLimit: '256MB' });
});

afterAll(async () => {
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const FILTERS: DataHealthFilters[] = [
  {},
  { retailer: 'r1' },
  { retailer: 'r2' },
  { fromMs: NOV1 + DAY },
  { toMs: NOV1 + DAY },
  { fromMs: NOV1 + 12 * 3_600_000, toMs: NOV1 + DAY + 1, retailer: 'r1' },
];

describe('data health on the shared engine', () => {
  it('counts distinct events and extra copies per retailer and day received', async () => {
    const health = await dataHealth(dataDir, {}, undefined, engine);
    const counts = health.rows.map((r) => [r.retailer_id, r.day, r.events_accepted, r.duplicates_dropped]);
    expect(counts).toEqual([
      ['r1', '2026-11-01', 4, 1], // e1 (twice), e2, e4, e5
      ['r1', '2026-11-02', 2, 0], // e4, e1: each once on this day
      ['r2', '2026-11-01', 2, 0], // e3, e5
      ['r2', '2026-11-02', 1, 2], // e6 three times
    ]);
  });

  it.each(FILTERS)('equals the own-session rows for %j', async (filters) => {
    const own = await dataHealth(dataDir, filters);
    const shared = await dataHealth(dataDir, filters, undefined, engine);
    expect(shared).toEqual(own);
  });

  it('sees events landing after the engine built its views', async () => {
    await writeEvents(dataDir, '2026-11-03', 'c.parquet', [['e7', 'r2', NOV1 + 2 * DAY], ['e3', 'r2', NOV1 + 2 * DAY + 1]]);
    const shared = await dataHealth(dataDir, { fromMs: NOV1 + 2 * DAY }, undefined, engine);
    expect(shared.rows.map((r) => [r.retailer_id, r.day, r.events_accepted, r.duplicates_dropped])).toEqual([['r2', '2026-11-03', 2, 0]]);
    expect(shared).toEqual(await dataHealth(dataDir, { fromMs: NOV1 + 2 * DAY }));
  });
});
