/**
 * Synthetic lake for the scale benchmark, generated inside DuckDB from
 * range() and hash() (no rows pass through JavaScript), written as the
 * contract's Hive-partitioned Parquet: `lake/events/dt=*` and
 * `lake/orders/dt=*`, with the duplicates the contract allows (re-delivered
 * events, re-imported order lines).
 *
 * @example
 * await generateScaleLake('/tmp/lake-10m', { events: 10_000_000, orderLines: 500_000 });
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE_DIR, LAKE_EVENT_COLUMNS, LAKE_ORDER_COLUMNS, LAKE_TABLES } from '../contract/lake.ts';
import { EVENTS_ROW_ORDER, PARQUET_WRITE_OPTIONS } from '../pipeline/lake/parquet-partitions.ts';

export interface ScaleSize {
  events: number;
  orderLines: number;
}

/** Events per playback session in the synthetic shows. */
export const EVENTS_PER_SESSION = 50;
/** Share of events delivered twice (client retries), in percent. */
export const DUPLICATE_EVENT_PERCENT = 1;
/** Share of order lines imported twice, in percent. */
export const REIMPORTED_ORDER_LINE_PERCENT = 2;
/** First day of the synthetic week (UTC). */
const START_MS = Date.UTC(2026, 10, 1);
const WEEK_MS = 7 * 86_400_000;

/** Casts the generated columns to the contract's types, in the contract's order, plus `dt`. */
function contractSelect(columns: Record<string, string>, timeColumn: string): string {
  const cols = Object.entries(columns).map(([name, type]) => `CAST(${name} AS ${type}) AS ${name}`);
  return `${cols.join(', ')}, strftime(make_timestamp(${timeColumn} * 1000), '%Y-%m-%d') AS dt`;
}

const EVENTS_SQL = (n: number) => `
WITH base AS (
  SELECT i,
         i // ${EVENTS_PER_SESSION} AS session_no,
         (i // ${EVENTS_PER_SESSION}) // 2 AS viewer_no,
         CAST(hash(i + 1000000000000) % 100 AS BIGINT) AS type_roll
  FROM range(${n}) t(i)
), shaped AS (
  SELECT i, session_no, viewer_no,
    CASE WHEN i % ${EVENTS_PER_SESSION} = 0 THEN 'session_start'
         WHEN i % ${EVENTS_PER_SESSION} = 1 THEN 'startup'
         WHEN type_roll < 60 THEN 'heartbeat'
         WHEN type_roll < 66 THEN 'buffer_start'
         WHEN type_roll < 72 THEN 'buffer_end'
         WHEN type_roll < 75 THEN 'quality_change'
         WHEN type_roll < 83 THEN 'chat_message'
         WHEN type_roll < 91 THEN 'product_impression'
         WHEN type_roll < 95 THEN 'click_to_buy'
         WHEN type_roll < 96 THEN 'error'
         WHEN type_roll < 97 THEN 'exposure'
         ELSE 'session_end' END AS type,
    ${START_MS} + CAST(hash(session_no + 2000000000000) % ${WEEK_MS} AS BIGINT) + (i % ${EVENTS_PER_SESSION}) * 10000 AS event_time,
    CAST(hash(session_no + 3000000000000) % 200 AS BIGINT) AS show_no,
    CAST(hash(viewer_no + 4000000000000) % 1000 AS BIGINT) + (i % 3) AS product_no
  FROM base
), events AS (
  SELECT
    'e' || i AS event_id, type, event_time - CAST(hash(i + 5000000000000) % 500 AS BIGINT) AS ts, event_time,
    event_time + 200 AS received_at,
    'r' || (show_no % 3) AS retailer_id,
    'v' || viewer_no AS viewer_id, 'sess' || session_no AS session_id,
    's' || show_no AS show_id, 'c' || (show_no % 50) AS creator_id,
    CASE WHEN viewer_no % 4 = 0 THEN 'u' || viewer_no END AS user_id,
    'R' || CAST(hash(viewer_no + 6000000000000) % 20 AS BIGINT) AS region,
    ['desktop', 'mobile', 'tablet', 'tv'][1 + CAST(hash(viewer_no + 7000000000000) % 4 AS BIGINT)] AS device,
    CASE WHEN viewer_no % 10 = 0 THEN '{"exp1":"' || (viewer_no % 2) || '"}' END AS experiments,
    CASE WHEN type = 'session_start' THEN true END AS autoplay,
    CASE WHEN type = 'session_start' THEN '/live' END AS page,
    CASE WHEN type = 'startup' THEN 200 + CAST(hash(i + 8000000000000) % 4000 AS BIGINT) END AS startup_ms,
    CASE WHEN type = 'heartbeat' THEN 10000 - CAST(hash(i + 9000000000000) % 2000 AS BIGINT) END AS watch_ms,
    CASE WHEN type = 'heartbeat' THEN 1000 + CAST(hash(i + 10000000000000) % 9000 AS BIGINT) END AS latency_ms,
    CASE WHEN type = 'heartbeat' THEN 2500 END AS bitrate_kbps,
    CASE WHEN type IN ('heartbeat', 'quality_change') THEN '720p' END AS quality,
    CASE WHEN type = 'buffer_end' THEN CAST(hash(i + 11000000000000) % 3000 AS BIGINT) END AS buffer_ms,
    CASE WHEN type = 'quality_change' THEN 2500 END AS from_kbps,
    CASE WHEN type = 'quality_change' THEN 1200 END AS to_kbps,
    CASE WHEN type = 'error' THEN 'E' || CAST(hash(i + 12000000000000) % 5 AS BIGINT) END AS code,
    CASE WHEN type = 'error' THEN 'playback error' END AS message,
    CASE WHEN type = 'error' THEN CAST(hash(i + 13000000000000) % 4 AS BIGINT) = 0 END AS fatal,
    CASE WHEN type = 'chat_message' THEN CAST(hash(i + 14000000000000) % 200 AS BIGINT) END AS length,
    CASE WHEN type IN ('product_impression', 'click_to_buy') THEN 'p' || product_no END AS product_id,
    CASE WHEN type IN ('product_impression', 'click_to_buy') THEN 'o' || (product_no % 300) END AS offer_id,
    CASE WHEN type = 'click_to_buy' THEN 'k' || i END AS click_id,
    CASE WHEN type = 'click_to_buy' THEN 10 + product_no % 90 END AS price,
    CASE WHEN type = 'click_to_buy' THEN CASE WHEN show_no % 7 = 0 THEN 'EUR' ELSE 'USD' END END AS currency,
    CASE WHEN type = 'exposure' THEN 'exp1' END AS experiment_id,
    CASE WHEN type = 'exposure' THEN CAST(viewer_no % 2 AS VARCHAR) END AS variant,
    CASE WHEN type = 'session_end' THEN 'ended' END AS reason
  FROM shaped
)
SELECT ${contractSelect(LAKE_EVENT_COLUMNS, 'event_time')} FROM events
UNION ALL
SELECT ${contractSelect(LAKE_EVENT_COLUMNS, 'event_time')} FROM events
WHERE CAST(hash(event_id, 'dup') % 100 AS BIGINT) < ${DUPLICATE_EVENT_PERCENT}`;

/** Order lines: 60% carry a click_id, 20% match a click by user and product, 20% match nothing. */
const ORDERS_SQL = (eventsGlob: string, n: number) => `
WITH clicks AS (
  SELECT row_number() OVER (ORDER BY event_id) - 1 AS click_no, retailer_id, click_id, user_id,
         product_id, event_time, price, currency
  FROM read_parquet('${eventsGlob}')
  WHERE type = 'click_to_buy'
), click_count AS (SELECT count(*) AS n FROM clicks),
lines AS (
  SELECT j, c.*, j % 10 AS kind
  FROM range(${n}) t(j), click_count
  JOIN clicks c ON c.click_no = CAST(hash(j + 15000000000000) % click_count.n AS BIGINT)
), orders AS (
  SELECT
    retailer_id, 'ord' || (j // 2) AS order_id,
    event_time + CASE WHEN kind < 8 THEN CAST(hash(j + 16000000000000) % (30 * 3600000) AS BIGINT) ELSE 0 END AS ts,
    CASE WHEN kind < 8 THEN coalesce(user_id, 'guest' || j) ELSE 'u-other' || j END AS user_id,
    CASE WHEN kind < 6 THEN click_id END AS click_id,
    CASE WHEN kind < 8 THEN product_id ELSE 'p-other' || j END AS product_id,
    1 + CAST(hash(j + 17000000000000) % 3 AS BIGINT) AS quantity, price AS unit_price, currency,
    ${START_MS + WEEK_MS} AS imported_at
  FROM lines
), typed AS (
  SELECT ${contractSelect(LAKE_ORDER_COLUMNS, 'ts')} FROM orders
)
SELECT * FROM typed
UNION ALL
SELECT * REPLACE (imported_at + 1000 AS imported_at) FROM typed
WHERE CAST(hash(order_id, product_id, 'reimport') % 100 AS BIGINT) < ${REIMPORTED_ORDER_LINE_PERCENT}`;

/** Writes the synthetic lake under `<dataDir>/lake/` (replacing one there). */
export async function generateScaleLake(dataDir: string, size: ScaleSize, memoryLimit = '2GB'): Promise<void> {
  const lake = path.join(dataDir, LAKE_DIR);
  fs.rmSync(lake, { recursive: true, force: true });
  fs.mkdirSync(lake, { recursive: true });
  const eventsDir = path.join(lake, LAKE_TABLES.events);
  const ordersDir = path.join(lake, LAKE_TABLES.orders);
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: memoryLimit });
  const connection = await instance.connect();
  try {
    const format = PARQUET_WRITE_OPTIONS;
    // The lander's layout: rows ordered by EVENTS_ROW_ORDER inside each dt file. A partitioned COPY
    // interleaves its writer threads' row groups, so write unsorted to staging, then sort file by file.
    const staging = path.join(dataDir, 'staging-events');
    fs.rmSync(staging, { recursive: true, force: true });
    await connection.run(`COPY (${EVENTS_SQL(size.events)}) TO '${staging}' (${format}, PARTITION_BY (dt))`);
    for (const dtDir of fs.readdirSync(staging).sort()) {
      fs.mkdirSync(path.join(eventsDir, dtDir), { recursive: true });
      const source = path.join(staging, dtDir, '*.parquet');
      await connection.run(`COPY (SELECT * FROM read_parquet('${source}') ORDER BY ${EVENTS_ROW_ORDER}) TO '${path.join(eventsDir, dtDir, 'data_0.parquet')}' (${format})`);
    }
    fs.rmSync(staging, { recursive: true, force: true });
    await connection.run(`COPY (${ORDERS_SQL(path.join(eventsDir, '*', '*.parquet'), size.orderLines)}) TO '${ordersDir}' (${format}, PARTITION_BY (dt))`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Order lines per event in the default mix (500k per 10M). */
export const ORDER_LINES_PER_EVENT = 0.05;

/** Where bench:scale keeps the lake of `size` unless told: `<os tmp>/livelens-scale-<events>-<orderLines>/`. */
export function scaleLakeDir(size: ScaleSize): string {
  return path.join(os.tmpdir(), `livelens-scale-${size.events}-${size.orderLines}`);
}

/**
 * The scale lake of `size` under `dataDir`, generated unless its `scale.json`
 * says it is that size, row order and Parquet format already (bench:scale and the dashboard
 * benchmark share it). Returns whether it was generated.
 */
export async function ensureScaleLake(dataDir: string, size: ScaleSize, options: { memoryLimit?: string; regenerate?: boolean } = {}): Promise<boolean> {
  const marker = path.join(dataDir, 'scale.json');
  // The write options too: a lake written in another format is generated again.
  const description = JSON.stringify({ ...size, eventsRowOrder: EVENTS_ROW_ORDER, parquet: PARQUET_WRITE_OPTIONS });
  if (!options.regenerate && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === description) return false;
  await generateScaleLake(dataDir, size, options.memoryLimit);
  fs.writeFileSync(marker, description);
  return true;
}
