/**
 * A small two-retailer lake for the data API tests: retailer r1 (the
 * experiment fixture: creator c1, show s1, experiments exp1 and exp2) and
 * retailer r2 (creator c2, show s2, experiment exp-r2), two dead letters and
 * recorded order-import and duplicate counts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { fixtureEvents, fixtureOrders } from '../experiment-fixtures.ts';
import { eventRow, MINUTE_MS, orderRow, T0, tempDataDir, writeLakeTable, type FixtureRow } from '../queries-fixtures.ts';
import { recordOrderImport } from '../../pipeline/health/counts.ts';

export const ADMIN_TOKEN = 'api-admin-token-000001';
export const ANALYST_TOKEN = 'api-analyst-token-0001';
export const R1_TOKEN = 'api-r1-token-000000001';
export const R2_TOKEN = 'api-r2-token-000000001';
export const WRITE_KEY = 'wk_api_r1_000000000001';
export const TOKENS = `${ADMIN_TOKEN}=admin,${ANALYST_TOKEN}=analyst,${R1_TOKEN}=retailer:r1,${R2_TOKEN}=retailer:r2`;

function r2Events(): FixtureRow[] {
  const base = { retailer_id: 'r2', creator_id: 'c2', show_id: 's2', region: 'DE', session_id: 'r2s' };
  return [
    eventRow({ ...base, type: 'exposure', event_time: T0, viewer_id: 'w1', experiment_id: 'exp-r2', variant: 'control' }),
    eventRow({ ...base, type: 'exposure', event_time: T0, viewer_id: 'w2', experiment_id: 'exp-r2', variant: 'treatment' }),
    eventRow({ ...base, type: 'startup', event_time: T0, viewer_id: 'w1', startup_ms: 900 }),
    eventRow({ ...base, type: 'heartbeat', event_time: T0 + MINUTE_MS, viewer_id: 'w1', watch_ms: 60_000, latency_ms: 3000 }),
    eventRow({ ...base, type: 'heartbeat', event_time: T0 + MINUTE_MS, viewer_id: 'w2', watch_ms: 60_000, latency_ms: 4000 }),
    eventRow({ ...base, type: 'product_impression', event_time: T0 + MINUTE_MS, viewer_id: 'w1', product_id: 'q1', offer_id: 'oq1' }),
    eventRow({ ...base, type: 'click_to_buy', event_time: T0 + 2 * MINUTE_MS, viewer_id: 'w1', product_id: 'q1', offer_id: 'oq1', click_id: 'z1', user_id: 'uz1' }),
  ];
}

/** Writes the lake; returns its data dir. */
export async function writeApiFixture(): Promise<string> {
  const dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', [...fixtureEvents(), ...r2Events()]);
  await writeLakeTable(dataDir, 'orders', [
    ...fixtureOrders(),
    orderRow({ retailer_id: 'r2', order_id: 'z-o1', ts: T0 + 5 * MINUTE_MS, user_id: 'uz1', click_id: 'z1', product_id: 'q1', quantity: 3, unit_price: 7, currency: 'EUR' }),
  ]);
  const dir = join(dataDir, 'lake', 'dead_letters', 'dt=2026-11-01');
  mkdirSync(dir, { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`COPY (SELECT * FROM (VALUES ('r1', ${T0}::BIGINT, 0::BIGINT, 'event_time: more than 72 hours old', '{}'), ('r2', ${T0}::BIGINT, 1::BIGINT, 'type: unknown', '{}'))
    t(retailer_id, received_at, "index", error, raw)) TO '${join(dir, 'part-0.parquet')}' (FORMAT parquet)`);
  con.closeSync();
  db.closeSync();
  await recordOrderImport(dataDir, { retailer: 'r1', imported: 4, refused: 1, at: T0 });
  return dataDir;
}
