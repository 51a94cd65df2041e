/**
 * The lake's event table: one flat row per event (props become columns), as
 * landed in Parquet under `lake/events/dt=YYYY-MM-DD/` and read by every
 * query in `queries/`. Types are given in DuckDB terms; each maps directly
 * to a Parquet / Athena (Hive) type.
 */
import type { EnrichedEvent } from './enriched.ts';

export const LAKE_EVENT_COLUMNS = {
  event_id: 'VARCHAR',
  type: 'VARCHAR',
  ts: 'BIGINT',
  event_time: 'BIGINT',
  received_at: 'BIGINT',
  retailer_id: 'VARCHAR',
  viewer_id: 'VARCHAR',
  session_id: 'VARCHAR',
  show_id: 'VARCHAR',
  creator_id: 'VARCHAR',
  user_id: 'VARCHAR',
  region: 'VARCHAR',
  device: 'VARCHAR',
  /** JSON object text, experiment id -> variant id (NULL when absent). */
  experiments: 'VARCHAR',
  autoplay: 'BOOLEAN',
  page: 'VARCHAR',
  startup_ms: 'DOUBLE',
  watch_ms: 'DOUBLE',
  latency_ms: 'DOUBLE',
  bitrate_kbps: 'DOUBLE',
  quality: 'VARCHAR',
  buffer_ms: 'DOUBLE',
  from_kbps: 'DOUBLE',
  to_kbps: 'DOUBLE',
  code: 'VARCHAR',
  message: 'VARCHAR',
  fatal: 'BOOLEAN',
  length: 'BIGINT',
  product_id: 'VARCHAR',
  offer_id: 'VARCHAR',
  click_id: 'VARCHAR',
  price: 'DOUBLE',
  currency: 'VARCHAR',
  experiment_id: 'VARCHAR',
  variant: 'VARCHAR',
  reason: 'VARCHAR',
} as const;

export type LakeColumn = keyof typeof LAKE_EVENT_COLUMNS;
export type LakeEventRow = Record<LakeColumn, string | number | boolean | null>;
export const LAKE_COLUMN_NAMES = Object.keys(LAKE_EVENT_COLUMNS) as LakeColumn[];

/** Flattens an enriched event into a lake row; absent fields become null. */
export function toLakeRow(e: EnrichedEvent): LakeEventRow {
  const row = Object.fromEntries(LAKE_COLUMN_NAMES.map((c) => [c, null])) as LakeEventRow;
  const { props, experiments, ...common } = e;
  for (const [k, v] of Object.entries(common)) if (k in row && v !== undefined) row[k as LakeColumn] = v as LakeEventRow[LakeColumn];
  for (const [k, v] of Object.entries(props)) if (k in row && v !== undefined) row[k as LakeColumn] = v as LakeEventRow[LakeColumn];
  row.experiments = experiments && Object.keys(experiments).length > 0 ? JSON.stringify(experiments) : null;
  return row;
}

/**
 * Lake layout under the data dir (Hive partitions, the layout Firehose
 * dynamic partitioning writes and Athena reads), `dt` being the UTC date of
 * `event_time` (events, dead letters: `received_at`) or of the order's `ts`:
 *   lake/events/dt=YYYY-MM-DD/*.parquet        LAKE_EVENT_COLUMNS
 *   lake/dead_letters/dt=YYYY-MM-DD/*.parquet  DeadLetter fields
 *   lake/orders/dt=YYYY-MM-DD/*.parquet        LAKE_ORDER_COLUMNS
 * Files may hold duplicates (re-reads, client retries, re-imports): readers
 * count events once per event_id and order lines once per
 * (retailer_id, order_id, product_id), the latest `imported_at` winning.
 */
export { LAKE_DIR } from './data-dir.ts';
export const LAKE_TABLES = { events: 'events', deadLetters: 'dead_letters', orders: 'orders' } as const;

/** Order lines in the lake (docs/spec.md §3), under `lake/orders/`. */
export const LAKE_ORDER_COLUMNS = {
  retailer_id: 'VARCHAR',
  order_id: 'VARCHAR',
  ts: 'BIGINT',
  user_id: 'VARCHAR',
  click_id: 'VARCHAR',
  product_id: 'VARCHAR',
  quantity: 'BIGINT',
  unit_price: 'DOUBLE',
  currency: 'VARCHAR',
  /** When the line was imported (epoch ms); the latest import of a key wins. */
  imported_at: 'BIGINT',
} as const;
