/**
 * DuckDB's lake views: `lake_events` and `lake_orders` over the Parquet
 * files of the lake (named as the Athena DDL names its tables, so
 * queries/views/*.sql read the same names on both engines), the index of
 * extra event copies and the deduplicated `events` view built on it, and the
 * lake fingerprint that tells the engine when to rebuild them.
 *
 * @example
 * for (const sql of lakeViews(dataDir)) await connection.run(sql);
 * await connection.run(EVENTS_COPIES_INDEX);
 * await connection.run(EVENTS_EXTRA_COPIES_INDEX);
 */
import fs from 'node:fs';
import path from 'node:path';
import { LAKE_DIR, LAKE_EVENT_COLUMNS, LAKE_ORDER_COLUMNS, LAKE_TABLES } from '../../contract/lake.ts';
import { sqlString } from './sql-string.ts';

/** Every Parquet file below `dir` (sorted), for fingerprints and emptiness checks. */
function parquetFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...parquetFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.parquet')) files.push(full);
  }
  return files.sort();
}

/**
 * Path, size and modification time of every lake file: when it changes,
 * new files have landed and the engine rebuilds its views.
 */
export function lakeFingerprint(dataDir: string, lakeDir?: string): string {
  const lake = lakeDir ?? path.resolve(dataDir, LAKE_DIR);
  return [LAKE_TABLES.events, LAKE_TABLES.orders]
    .flatMap((table) => parquetFiles(path.join(lake, table)))
    .map((file) => {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      return stat ? `${file}:${stat.size}:${stat.mtimeMs}` : file;
    })
    .join('\n');
}

function parquetScan(tableDir: string, physicalRowIds: boolean): string {
  const glob = sqlString(path.join(tableDir, '**', '*.parquet'));
  // union_by_name: files written before a column existed still read (it is NULL there).
  const rowIds = physicalRowIds ? ', filename = true, file_row_number = true' : '';
  return `read_parquet(${glob}, hive_partitioning = true, hive_types = {'dt': VARCHAR}, union_by_name = true${rowIds})`;
}

/**
 * The SELECT over the Parquet files of one lake table (Hive partitions
 * `dt=YYYY-MM-DD`), with exactly the contract's columns in the contract's
 * types (plus `dt`, and with `physicalRowIds` DuckDB's `filename` and
 * `file_row_number`); no rows when nothing has landed yet, so reports on an
 * empty lake return no rows instead of failing.
 */
export function lakeTableSelect(tableDir: string, columns: Record<string, string>, physicalRowIds = false): string {
  const typed = { ...columns, dt: 'VARCHAR', ...(physicalRowIds ? { filename: 'VARCHAR', file_row_number: 'BIGINT' } : {}) };
  if (parquetFiles(tableDir).length === 0) {
    const nulls = Object.entries(typed).map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`).join(', ');
    return `SELECT ${nulls} WHERE false`;
  }
  const select = Object.entries(typed).map(([name, type]) => `CAST(${name} AS ${type}) AS ${name}`).join(', ');
  return `SELECT ${select} FROM ${parquetScan(tableDir, physicalRowIds)}`;
}

/** `CREATE VIEW <name>` over one lake table: {@link lakeTableSelect}. */
export function lakeTableView(viewName: string, tableDir: string, columns: Record<string, string>, physicalRowIds = false): string {
  return `CREATE OR REPLACE VIEW ${viewName} AS ${lakeTableSelect(tableDir, columns, physicalRowIds)}`;
}

/**
 * Views `lake_events` and `lake_orders` over `<dataDir>/lake/`, named as the
 * Athena DDL names its tables, so queries/views/*.sql read the same names on
 * both engines.
 */
export function lakeViews(dataDir: string, lakeDir?: string): string[] {
  const lake = lakeDir ?? path.resolve(dataDir, LAKE_DIR);
  return [
    lakeTableView('lake_events', path.join(lake, LAKE_TABLES.events), LAKE_EVENT_COLUMNS, true),
    lakeTableView('lake_orders', path.join(lake, LAKE_TABLES.orders), LAKE_ORDER_COLUMNS),
  ];
}

/**
 * DuckDB's `events`: the rule of queries/views/events.sql (once per
 * event_id, the earliest received copy wins) computed once per lake state
 * instead of once per query. queries/views/events.sql numbers every row of
 * the lake on every query (a sort or hash of every event_id: most of a
 * report's time at 10M events); here the few extra copies are found once
 * (rows whose event_id hash repeats, then exactly by event_id) and each
 * query anti-joins that short list by physical row (file name, row number),
 * which leaves filters free to reach the Parquet scan. A table of the
 * in-memory database (not a TEMP one), so every connection of the engine
 * reads it. Athena keeps the
 * portable view; test/queries-dedupe.test.ts checks both give the same rows.
 * Built from EVENTS_COPIES_INDEX, run first.
 */
export const EVENTS_EXTRA_COPIES_INDEX = `CREATE OR REPLACE TABLE events_extra_copies AS
SELECT filename, file_row_number FROM events_copies WHERE copy_number > 1`;

/**
 * Every copy (the earliest too) of each event id the lake holds more than
 * once, numbered as queries/views/events.sql numbers them, with the columns
 * data health groups copies by (retailer, day received): a few rows per
 * repeated id, found by the hash sort described at EVENTS_EXTRA_COPIES_INDEX.
 * An id held once whose hash collides with a repeated one's is here too, as
 * copy 1 of 1: it counts nowhere as a copy (count(*) - count(DISTINCT
 * event_id) over these rows ignores it).
 */
export const EVENTS_COPIES_INDEX = `CREATE OR REPLACE TABLE events_copies AS
WITH hashed AS (
  SELECT hash(event_id) AS id_hash FROM lake_events
), repeated AS (
  -- Sorting 8-byte hashes and comparing neighbours beat GROUP BY ... HAVING count(*) > 1
  -- (a hash table with one entry per event) by about a third at 10M events.
  SELECT DISTINCT id_hash
  FROM (SELECT id_hash, lag(id_hash) OVER (ORDER BY id_hash) AS previous FROM hashed) neighbours
  WHERE id_hash = previous
)
SELECT event_id, retailer_id, received_at, filename, file_row_number,
       row_number() OVER (PARTITION BY event_id ORDER BY received_at, filename, file_row_number) AS copy_number
FROM lake_events
WHERE hash(event_id) IN (SELECT id_hash FROM repeated)`;

/** The `events` view; without extra copies in the lake it skips the anti-join altogether. */
export function dedupedEventsView(hasExtraCopies: boolean): string {
  // dt too: a statement's `dt` bounds (partition-bounds.ts) reach the Parquet scan through this view.
  const contract = [...Object.keys(LAKE_EVENT_COLUMNS), 'dt'].join(', ');
  if (!hasExtraCopies) return `CREATE OR REPLACE VIEW events AS SELECT ${contract} FROM lake_events`;
  return `CREATE OR REPLACE VIEW events AS
SELECT ${contract}
FROM lake_events
ANTI JOIN events_extra_copies x
  ON x.filename = lake_events.filename AND x.file_row_number = lake_events.file_row_number`;
}
