/**
 * Data health (docs/spec.md §8, `GET /api/v1/health/data`): per retailer
 * and UTC day of `received_at`, events accepted (distinct events in the
 * lake), events rejected (dead letters, by reason: the error up to its
 * first `:`), duplicate deliveries dropped (at ingest, recorded in
 * lake/health/, plus extra copies in the lake that reports count once),
 * and order lines imported and refused (recorded by orders import, by day
 * of the import). On the dashboard's shared DuckDB engine when it reads
 * the same folder lake (its views and extra-copies index, built once per
 * lake state); otherwise (an S3 lake, Athena) with its own DuckDB session
 * from the lake's folder or the data dir's download cache of S3.
 *
 * @example
 * const health = await dataHealth(dataDir, { retailer: 'acme', fromMs, toMs });
 * health.rows[0]; // { retailer_id, day, events_accepted, events_rejected, duplicates_dropped, order_lines_imported, order_lines_refused }
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LAKE_DIR, LAKE_EVENT_COLUMNS, LAKE_TABLES } from '../../contract/lake.ts';
import type { ColumnInfo, QueryEngine, Row } from '../../pipeline/engine/engine.ts';
import { lakeTableSelect, lakeTableView } from '../../pipeline/engine/duckdb-lake-views.ts';
import { DuckDbEngine } from '../../pipeline/engine/duckdb.ts';
import { LAKE_DEAD_LETTER_COLUMNS } from '../../pipeline/ingest/lake-tables.ts';
import { openWriterSession, sqlString } from '../../pipeline/lake/duckdb-session.ts';
import { HEALTH_DIR, HEALTH_FOLDERS, INGEST_DUPLICATES_TABLE, ORDER_IMPORTS_TABLE } from '../../pipeline/health/counts.ts';
import type { LakeLocation } from '../../pipeline/lake/lake-location.ts';
import type { LakeStore } from '../../pipeline/lake/lake-store.ts';
import { openLakeStore } from '../../pipeline/lake/open-lake-store.ts';

export interface DataHealthFilters {
  retailer?: string;
  fromMs?: number;
  toMs?: number;
}

export interface DataHealth {
  rows: Row[];
  /** Rejected events per retailer, day and reason. */
  rejections: Row[];
  params: { from_ms: number; to_ms: number; retailer_id: string };
  columns: ColumnInfo[];
}

export const DATA_HEALTH_COLUMNS: ColumnInfo[] = [
  { name: 'retailer_id', type: 'VARCHAR' },
  { name: 'day', type: 'VARCHAR' },
  { name: 'events_accepted', type: 'BIGINT' },
  { name: 'events_rejected', type: 'BIGINT' },
  { name: 'duplicates_dropped', type: 'BIGINT' },
  { name: 'order_lines_imported', type: 'BIGINT' },
  { name: 'order_lines_refused', type: 'BIGINT' },
];

const MS_PER_DAY = 86_400_000;

function hasFiles(dir: string): boolean {
  try {
    return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.ndjson'));
  } catch {
    return false;
  }
}

/** The SELECT over one folder of health counts (NDJSON); no rows when none were recorded. */
function countsSelect(dir: string, columns: Record<string, string>): string {
  const cols = Object.entries(columns);
  if (!hasFiles(dir)) return `SELECT ${cols.map(([c, t]) => `CAST(NULL AS ${t}) AS ${c}`).join(', ')} WHERE false`;
  const spec = `{${cols.map(([c, t]) => `${sqlString(c)}: ${sqlString(t)}`).join(', ')}}`;
  return `SELECT ${cols.map(([c]) => c).join(', ')} FROM read_json(${sqlString(join(dir, '**', '*.ndjson'))}, format = 'newline_delimited', columns = ${spec})`;
}

const DUPLICATES_COLUMNS = { retailer_id: 'VARCHAR', day: 'VARCHAR', duplicates: 'BIGINT' };
const IMPORTS_COLUMNS = { retailer_id: 'VARCHAR', day: 'VARCHAR', imported: 'BIGINT', refused: 'BIGINT' };
const NO_END_MS = 8_640_000_000_000_000;
const RECEIVED_DAY = "strftime(epoch_ms(received_at), '%Y-%m-%d')";

type HealthParams = DataHealth['params'];

/** The first and last UTC day (`YYYY-MM-DD`) overlapping [from_ms, to_ms): days are whole UTC days. */
function dayRange(params: HealthParams): { fromDay: string; toDay: string } {
  const fromDay = new Date(Math.floor(params.from_ms / MS_PER_DAY) * MS_PER_DAY).toISOString().slice(0, 10);
  const toDay = params.to_ms >= NO_END_MS ? '9999-12-31' : new Date(params.to_ms - 1).toISOString().slice(0, 10);
  return { fromDay, toDay };
}

/** The filter on a day and retailer column: the days overlapping the period, the retailer asked for (all when ''). */
function periodFilter(params: HealthParams): (retailer: string, day: string) => string {
  const { fromDay, toDay } = dayRange(params);
  return (retailer, day) =>
    `${day} >= ${sqlString(fromDay)} AND ${day} <= ${sqlString(toDay)} AND (${sqlString(params.retailer_id)} = '' OR ${retailer} = ${sqlString(params.retailer_id)})`;
}

/** SELECTs of `rejected`, `dups` and `imports` from the relations named (views or parenthesised SELECTs). */
function sideCounts(params: HealthParams, deadLetters: string, duplicates: string, imports: string): { rejected: string; dups: string; imports: string } {
  const where = periodFilter(params);
  return {
    rejected: `SELECT coalesce(retailer_id, 'unknown') AS retailer_id, ${RECEIVED_DAY} AS day,
      trim(split_part(error, ':', 1)) AS reason, count(*) AS events FROM ${deadLetters} WHERE ${where("coalesce(retailer_id, 'unknown')", RECEIVED_DAY)} GROUP BY ALL`,
    dups: `SELECT retailer_id, day, sum(duplicates) AS n FROM ${duplicates} WHERE ${where('retailer_id', 'day')} GROUP BY ALL`,
    imports: `SELECT retailer_id, day, sum(imported) AS imported, sum(refused) AS refused FROM ${imports} WHERE ${where('retailer_id', 'day')} GROUP BY ALL`,
  };
}

/** The health rows from relations `accepted`, `rejected`, `dups` and `imports`. */
const HEALTH_ROWS_SELECT = `SELECT k.retailer_id, k.day,
    coalesce(a.events, 0) AS events_accepted,
    coalesce((SELECT sum(events) FROM rejected r WHERE r.retailer_id = k.retailer_id AND r.day = k.day), 0) AS events_rejected,
    coalesce(d.n, 0) + coalesce(a.copies, 0) AS duplicates_dropped,
    coalesce(i.imported, 0) AS order_lines_imported,
    coalesce(i.refused, 0) AS order_lines_refused
  FROM (SELECT retailer_id, day FROM accepted UNION SELECT retailer_id, day FROM rejected UNION SELECT retailer_id, day FROM dups UNION SELECT retailer_id, day FROM imports) k
  LEFT JOIN accepted a USING (retailer_id, day) LEFT JOIN dups d USING (retailer_id, day) LEFT JOIN imports i USING (retailer_id, day)
  ORDER BY k.retailer_id, k.day`;
const REJECTIONS_SELECT = 'SELECT retailer_id, day, reason, events FROM rejected ORDER BY retailer_id, day, events DESC, reason';

function healthRows(values: unknown[][]): Row[] {
  return values.map((r) => Object.fromEntries(DATA_HEALTH_COLUMNS.map((c, i) => [c.name, c.type === 'BIGINT' ? Number(r[i]) : String(r[i])])));
}

function rejectionRows(values: unknown[][]): Row[] {
  return values.map((r) => ({ retailer_id: String(r[0]), day: String(r[1]), reason: String(r[2]), events: Number(r[3]) }));
}

function healthParams(filters: DataHealthFilters): HealthParams {
  return { from_ms: filters.fromMs ?? 0, to_ms: filters.toMs ?? NO_END_MS, retailer_id: filters.retailer ?? '' };
}

/**
 * `accepted` on the engine (distinct events and extra copies per retailer and
 * day received), exactly as count(DISTINCT event_id) but without hashing
 * every event id: rows are counted per day (received_at bounded in ms, the
 * day formatted per group, not per row), and only the rows of event ids
 * held more than once (events_copies, the engine's index built once per
 * lake state) are counted distinct.
 */
function acceptedOnEngine(params: HealthParams): string {
  const { fromDay, toDay } = dayRange(params);
  const fromMs = Date.parse(`${fromDay}T00:00:00Z`);
  const bounds = [`received_at >= ${fromMs}`];
  if (toDay !== '9999-12-31') bounds.push(`received_at < ${Date.parse(`${toDay}T00:00:00Z`) + MS_PER_DAY}`);
  if (params.retailer_id !== '') bounds.push(`retailer_id = ${sqlString(params.retailer_id)}`);
  const where = bounds.join(' AND ');
  const dayNumber = `CAST(floor(received_at / ${MS_PER_DAY}) AS BIGINT)`;
  return `per_day AS (
    SELECT retailer_id, ${dayNumber} AS day_number, count(*) AS n, count(event_id) AS ids FROM lake_events WHERE ${where} GROUP BY ALL
  ), repeated AS (
    SELECT retailer_id, ${dayNumber} AS day_number, count(*) - count(DISTINCT event_id) AS copies FROM events_copies WHERE ${where} GROUP BY ALL
  ), accepted AS (
    SELECT p.retailer_id, strftime(epoch_ms(p.day_number * ${MS_PER_DAY}), '%Y-%m-%d') AS day,
      p.ids - coalesce(r.copies, 0) AS events, p.n - (p.ids - coalesce(r.copies, 0)) AS copies
    FROM per_day p LEFT JOIN repeated r ON r.retailer_id IS NOT DISTINCT FROM p.retailer_id AND r.day_number = p.day_number
  )`;
}

/** Data health on the shared DuckDB engine reading `lakeDir`: two statements on its views, nothing built per request but the small side counts' scans. */
async function dataHealthOnEngine(engine: DuckDbEngine, lakeDir: string, params: HealthParams): Promise<DataHealth> {
  const side = sideCounts(
    params,
    `(${lakeTableSelect(join(lakeDir, LAKE_TABLES.deadLetters), LAKE_DEAD_LETTER_COLUMNS)})`,
    `(${countsSelect(join(lakeDir, HEALTH_DIR, INGEST_DUPLICATES_TABLE), DUPLICATES_COLUMNS)})`,
    `(${countsSelect(join(lakeDir, HEALTH_DIR, ORDER_IMPORTS_TABLE), IMPORTS_COLUMNS)})`,
  );
  const sideCtes = `rejected AS (${side.rejected}), dups AS (${side.dups}), imports AS (${side.imports})`;
  const [rows, rejections] = await Promise.all([
    engine.select(`WITH ${acceptedOnEngine(params)}, ${sideCtes}
${HEALTH_ROWS_SELECT}`),
    engine.select(`WITH ${sideCtes}
${REJECTIONS_SELECT}`),
  ]);
  const values = (r: Row[], names: string[]) => r.map((row) => names.map((n) => row[n]));
  return {
    rows: healthRows(values(rows.rows, DATA_HEALTH_COLUMNS.map((c) => c.name))),
    rejections: rejectionRows(values(rejections.rows, ['retailer_id', 'day', 'reason', 'events'])),
    params,
    columns: DATA_HEALTH_COLUMNS,
  };
}

const HEALTH_SOURCES = [LAKE_TABLES.events, LAKE_TABLES.deadLetters, ...HEALTH_FOLDERS];

/** A local folder holding the lake's events, dead letters and health counts (an S3 lake: its download cache). */
async function localLake(dataDir: string, lake: LakeLocation | LakeStore | undefined): Promise<string> {
  if (lake === undefined) return join(dataDir, LAKE_DIR);
  if ('mirror' in lake) return lake.mirror(HEALTH_SOURCES);
  if (lake.kind === 'local') return lake.dir;
  const store = openLakeStore(lake, { dataDir });
  try {
    return await store.mirror(HEALTH_SOURCES);
  } finally {
    store.close();
  }
}

/**
 * The health rows of the lake (default `<dataDir>/lake`; `lake` names
 * another folder or S3, or is an open store), days overlapping [fromMs, toMs).
 * With `engine` (the dashboard's shared one) and a folder lake, runs on
 * that engine; else opens its own DuckDB session.
 */
export async function dataHealth(dataDir: string, filters: DataHealthFilters, lake?: LakeLocation | LakeStore, engine?: QueryEngine): Promise<DataHealth> {
  const params = healthParams(filters);
  const folder = lake === undefined ? join(dataDir, LAKE_DIR) : !('mirror' in lake) && lake.kind === 'local' ? lake.dir : undefined;
  if (engine instanceof DuckDbEngine && folder !== undefined && engine.readsLake(folder)) return dataHealthOnEngine(engine, folder, params);
  const lakeDir = await localLake(dataDir, lake);
  const db = await openWriterSession();
  try {
    const con = db.con;
    await con.run(lakeTableView('lake_events', join(lakeDir, LAKE_TABLES.events), LAKE_EVENT_COLUMNS));
    await con.run(lakeTableView('lake_dead_letters', join(lakeDir, LAKE_TABLES.deadLetters), LAKE_DEAD_LETTER_COLUMNS));
    await con.run(`CREATE VIEW ingest_duplicates AS ${countsSelect(join(lakeDir, HEALTH_DIR, INGEST_DUPLICATES_TABLE), DUPLICATES_COLUMNS)}`);
    await con.run(`CREATE VIEW order_imports AS ${countsSelect(join(lakeDir, HEALTH_DIR, ORDER_IMPORTS_TABLE), IMPORTS_COLUMNS)}`);
    const where = periodFilter(params);
    await con.run(`CREATE TEMP TABLE accepted AS SELECT retailer_id, ${RECEIVED_DAY} AS day, count(DISTINCT event_id) AS events, count(*) - count(DISTINCT event_id) AS copies
      FROM lake_events WHERE ${where('retailer_id', RECEIVED_DAY)} GROUP BY ALL`);
    const side = sideCounts(params, 'lake_dead_letters', 'ingest_duplicates', 'order_imports');
    await con.run(`CREATE TEMP TABLE rejected AS ${side.rejected}`);
    await con.run(`CREATE TEMP TABLE dups AS ${side.dups}`);
    await con.run(`CREATE TEMP TABLE imports AS ${side.imports}`);
    const rows = healthRows((await con.runAndReadAll(HEALTH_ROWS_SELECT)).getRowsJS());
    const rejections = rejectionRows((await con.runAndReadAll(REJECTIONS_SELECT)).getRowsJS());
    return { rows, rejections, params, columns: DATA_HEALTH_COLUMNS };
  } finally {
    db.close();
  }
}
