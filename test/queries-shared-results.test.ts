/**
 * DuckDB's shared results (pipeline/engine/shared-results.ts): the three
 * qoe-impact groupings asked at once compute qoe_impact_buckets once, give
 * the rows every grouping gives with the query inlined, and a file landing
 * afterwards is counted (a new result for the new lake state).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine, type DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import { runReport } from '../pipeline/reports/index.ts';
import { eventRow, MINUTE_MS, orderRow, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';
import type { FixtureRow } from './queries-fixtures.ts';

const BUCKETS = ['rebuffer', 'latency', 'startup'] as const;

/** One viewer of show s1 with a startup, a heartbeat and a rebuffer, and a click at minute 3. */
function viewer(id: string, startupMs: number, latencyMs: number, bufferMs: number): FixtureRow[] {
  const at = (minute: number, type: string, fields: FixtureRow) => eventRow({ viewer_id: id, session_id: `sess_${id}`, user_id: `u_${id}`, ...fields, type, event_time: T0 + minute * MINUTE_MS });
  return [
    at(0, 'startup', { startup_ms: startupMs }),
    at(1, 'heartbeat', { watch_ms: 60_000, latency_ms: latencyMs }),
    at(2, 'buffer_end', { buffer_ms: bufferMs }),
    at(3, 'click_to_buy', { product_id: 'p1', offer_id: 'o1', click_id: `ck_${id}` }),
  ];
}

let dataDir: string;
let shared: DuckDbEngine;
let inline: DuckDbEngine;

beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', [...viewer('v0', 500, 1000, 0), ...viewer('v1', 3000, 6000, 2000), ...viewer('v2', 1500, 12_000, 500)]);
  await writeLakeTable(dataDir, 'orders', [
    orderRow({ order_id: 'O1', ts: T0 + 10 * MINUTE_MS, user_id: 'u_v0', click_id: 'ck_v0', product_id: 'p1', quantity: 1, unit_price: 10, currency: 'EUR' }),
    orderRow({ order_id: 'O2', ts: T0 + 10 * MINUTE_MS, user_id: 'u_v1', click_id: 'ck_v1', product_id: 'p1', quantity: 2, unit_price: 10, currency: 'EUR' }),
  ]);
  shared = await createDuckDbEngine({ dataDir, threads: 1 });
  inline = await createDuckDbEngine({ dataDir, threads: 1, sharedQueries: [] });
});

afterAll(async () => {
  await shared?.close();
  await inline?.close();
});

/** The shared tables the engine holds now. */
async function sharedTables(engine: DuckDbEngine): Promise<string[]> {
  const { rows } = await engine.select("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'shared_%' ORDER BY table_name");
  return rows.map((r) => String(r.table_name));
}

const report = (engine: DuckDbEngine, by: string) => runReport('qoe-impact', { by, queryEngine: engine });

describe('shared qoe_impact_buckets', () => {
  it('the three groupings at once compute it once and give the inlined rows', async () => {
    const results = await Promise.all(BUCKETS.map((by) => report(shared, by)));
    expect(await sharedTables(shared)).toEqual(['shared_qoe_impact_buckets_1']);
    for (const [i, by] of BUCKETS.entries()) {
      const expected = await report(inline, by);
      expect(results[i]!.rows).toEqual(expected.rows);
      expect(results[i]!.columns).toEqual(expected.columns);
      expect(results[i]!.rows.reduce((n, r) => n + Number(r.viewers), 0)).toBe(3);
    }
    expect(await sharedTables(inline)).toEqual([]);
  });

  it('other parameters get their own result', async () => {
    const filtered = await runReport('qoe-impact', { by: 'rebuffer', queryEngine: shared, toMs: T0 + 2 * MINUTE_MS });
    expect(filtered.rows).toEqual((await runReport('qoe-impact', { by: 'rebuffer', queryEngine: inline, toMs: T0 + 2 * MINUTE_MS })).rows);
    expect(await sharedTables(shared)).toEqual(['shared_qoe_impact_buckets_1', 'shared_qoe_impact_buckets_2']);
  });

  it('a file landing later is counted: the old results are dropped, a new one computed', async () => {
    await writeLakeTable(dataDir, 'events', viewer('v3', 200, 500, 0), 'part-1');
    const after = await report(shared, 'startup');
    expect(after.rows.reduce((n, r) => n + Number(r.viewers), 0)).toBe(4);
    expect(after.rows).toEqual((await report(inline, 'startup')).rows);
    await expect.poll(() => sharedTables(shared)).toEqual(['shared_qoe_impact_buckets_3']);
  });
});
