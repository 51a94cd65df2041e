/**
 * Data health (docs/spec.md §8, `GET /api/v1/health/data`): per retailer
 * and UTC day of `received_at`, events accepted (distinct events in the
 * lake), events rejected (dead letters, by reason: the error up to its
 * first `:`), duplicate deliveries dropped (at ingest, recorded in
 * lake/health/, plus extra copies in the lake that reports count once),
 * and order lines imported and refused (recorded by orders import, by day
 * of the import). Read with its own DuckDB session from the lake, a folder
 * or S3 (the objects it needs downloaded into the data dir's cache first).
 *
 * @example
 * const health = await dataHealth(dataDir, { retailer: 'acme', fromMs, toMs });
 * health.rows[0]; // { retailer_id, day, events_accepted, events_rejected, duplicates_dropped, order_lines_imported, order_lines_refused }
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LAKE_DIR, LAKE_EVENT_COLUMNS, LAKE_TABLES } from '../../contract/lake.ts';
import type { ColumnInfo, Row } from '../../pipeline/engine/engine.ts';
import { lakeTableView } from '../../pipeline/engine/duckdb-lake-views.ts';
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

function countsView(name: string, dir: string, columns: Record<string, string>): string {
  const cols = Object.entries(columns);
  if (!hasFiles(dir)) return `CREATE VIEW ${name} AS SELECT ${cols.map(([c, t]) => `CAST(NULL AS ${t}) AS ${c}`).join(', ')} WHERE false`;
  const spec = `{${cols.map(([c, t]) => `${sqlString(c)}: ${sqlString(t)}`).join(', ')}}`;
  return `CREATE VIEW ${name} AS SELECT ${cols.map(([c]) => c).join(', ')} FROM read_json(${sqlString(join(dir, '**', '*.ndjson'))}, format = 'newline_delimited', columns = ${spec})`;
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
 */
export async function dataHealth(dataDir: string, filters: DataHealthFilters, lake?: LakeLocation | LakeStore): Promise<DataHealth> {
  const lakeDir = await localLake(dataDir, lake);
  const params = { from_ms: filters.fromMs ?? 0, to_ms: filters.toMs ?? 8_640_000_000_000_000, retailer_id: filters.retailer ?? '' };
  const db = await openWriterSession();
  try {
    const con = db.con;
    await con.run(lakeTableView('lake_events', join(lakeDir, LAKE_TABLES.events), LAKE_EVENT_COLUMNS));
    await con.run(lakeTableView('lake_dead_letters', join(lakeDir, LAKE_TABLES.deadLetters), LAKE_DEAD_LETTER_COLUMNS));
    await con.run(countsView('ingest_duplicates', join(lakeDir, HEALTH_DIR, INGEST_DUPLICATES_TABLE), { retailer_id: 'VARCHAR', day: 'VARCHAR', duplicates: 'BIGINT' }));
    await con.run(countsView('order_imports', join(lakeDir, HEALTH_DIR, ORDER_IMPORTS_TABLE), { retailer_id: 'VARCHAR', day: 'VARCHAR', imported: 'BIGINT', refused: 'BIGINT' }));
    // Days are whole UTC days: a day is in when it overlaps [from, to).
    const fromDay = new Date(Math.floor(params.from_ms / MS_PER_DAY) * MS_PER_DAY).toISOString().slice(0, 10);
    const toDay = params.to_ms >= 8_640_000_000_000_000 ? '9999-12-31' : new Date(params.to_ms - 1).toISOString().slice(0, 10);
    const where = (retailer: string, day: string) =>
      `${day} >= ${sqlString(fromDay)} AND ${day} <= ${sqlString(toDay)} AND (${sqlString(params.retailer_id)} = '' OR ${retailer} = ${sqlString(params.retailer_id)})`;
    const receivedDay = "strftime(epoch_ms(received_at), '%Y-%m-%d')";
    await con.run(`CREATE TEMP TABLE accepted AS SELECT retailer_id, ${receivedDay} AS day, count(DISTINCT event_id) AS events, count(*) - count(DISTINCT event_id) AS copies
      FROM lake_events WHERE ${where('retailer_id', receivedDay)} GROUP BY ALL`);
    await con.run(`CREATE TEMP TABLE rejected AS SELECT coalesce(retailer_id, 'unknown') AS retailer_id, ${receivedDay} AS day,
      trim(split_part(error, ':', 1)) AS reason, count(*) AS events FROM lake_dead_letters WHERE ${where("coalesce(retailer_id, 'unknown')", receivedDay)} GROUP BY ALL`);
    await con.run(`CREATE TEMP TABLE dups AS SELECT retailer_id, day, sum(duplicates) AS n FROM ingest_duplicates WHERE ${where('retailer_id', 'day')} GROUP BY ALL`);
    await con.run(`CREATE TEMP TABLE imports AS SELECT retailer_id, day, sum(imported) AS imported, sum(refused) AS refused FROM order_imports WHERE ${where('retailer_id', 'day')} GROUP BY ALL`);
    const keys = `SELECT retailer_id, day FROM accepted UNION SELECT retailer_id, day FROM rejected UNION SELECT retailer_id, day FROM dups UNION SELECT retailer_id, day FROM imports`;
    const result = await con.runAndReadAll(`SELECT k.retailer_id, k.day,
        coalesce(a.events, 0) AS events_accepted,
        coalesce((SELECT sum(events) FROM rejected r WHERE r.retailer_id = k.retailer_id AND r.day = k.day), 0) AS events_rejected,
        coalesce(d.n, 0) + coalesce(a.copies, 0) AS duplicates_dropped,
        coalesce(i.imported, 0) AS order_lines_imported,
        coalesce(i.refused, 0) AS order_lines_refused
      FROM (${keys}) k
      LEFT JOIN accepted a USING (retailer_id, day) LEFT JOIN dups d USING (retailer_id, day) LEFT JOIN imports i USING (retailer_id, day)
      ORDER BY k.retailer_id, k.day`);
    const rows: Row[] = result.getRowsJS().map((r) => Object.fromEntries(DATA_HEALTH_COLUMNS.map((c, i) => [c.name, c.type === 'BIGINT' ? Number(r[i]) : String(r[i])])));
    const rej = await con.runAndReadAll('SELECT retailer_id, day, reason, events FROM rejected ORDER BY retailer_id, day, events DESC, reason');
    const rejections: Row[] = rej.getRowsJS().map((r) => ({ retailer_id: String(r[0]), day: String(r[1]), reason: String(r[2]), events: Number(r[3]) }));
    return { rows, rejections, params, columns: DATA_HEALTH_COLUMNS };
  } finally {
    db.close();
  }
}
