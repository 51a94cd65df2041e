/**
 * The `dt` partition bounds of a report statement, derived from its time
 * bounds and bound as parameters beside them, so DuckDB reads and Athena's
 * partition projection scans only the days a report can touch.
 *
 * The convention for queries/*.sql: wherever a statement reads `events` or
 * `orders` with `event_time` / `ts` in [$from_ms, $to_ms), it also says
 * `dt >= $from_dt AND dt <= $to_dt` (for events, `{{in_period}}` writes
 * both bounds: query-predicates.ts); a window reaching before $from_ms
 * names its own bound (the CUPED lookback: `$lookback_from_dt`). No other
 * window reaches outside the period: clicks and order lines both have to be
 * inside it (queries/order_line_attributions.sql), sessions, audiences and
 * show timelines count only the period's events. Exact because `dt` is the
 * UTC date of the very timestamp the SQL bounds (contract/lake.ts: events
 * by `event_time`, in ingest and in the Firehose transform; orders by `ts`);
 * only dead letters are partitioned by `received_at`, and no report reads
 * them.
 *
 * Deduplication reaches across days: a copy of an event (or a re-import of
 * an order line) may have landed in a neighbouring `dt`. DuckDB dedupes
 * events over the whole lake once per lake state (duckdb-lake-views.ts), so
 * pruning there is exact. A statement that carries the dedupe itself
 * (Athena: its views would hide `dt` behind a window, so nothing would be
 * pruned) reads the scanned days in full and, on the neighbouring days, only
 * the dedupe columns: of events within EVENT_COPY_MARGIN_MS of the scanned
 * days (row-group statistics on event_time skip the rest), of order lines
 * within ORDER_REIMPORT_MARGIN_DAYS (queries/views/*_in_period.sql).
 *
 * @example
 * partitionBoundParameters('... dt >= $from_dt ...', { from_ms: Date.UTC(2026, 10, 2), to_ms: Date.UTC(2026, 10, 3) })
 * // { from_dt: '2026-11-02', to_dt: '2026-11-02', scan_from_dt: '2026-11-02', scan_to_dt: '2026-11-02',
 * //   dedupe_from_dt: '2026-11-01', dedupe_to_dt: '2026-11-03', copy_from_ms: <2026-11-01T23:00Z>, copy_to_ms: <2026-11-03T01:00Z> }
 */
import type { SqlValue } from './engine.ts';
import { parameterNames } from './parameters.ts';

export const DAY_MS = 86_400_000;
/** The largest instant a JS Date holds (ms), as --to's default. */
const MAX_DATE_MS = 8_640_000_000_000_000;
/**
 * How far beyond the scanned days an earlier-received copy of an event is
 * still looked for (its event_id, received_at and event_time are read), so
 * the earliest copy wins even when it landed on the neighbouring day. Exact
 * unless two copies of one event disagree on `event_time` by more than this:
 * each delivery's event_time is corrected by that delivery's own sent_at
 * (SPEC 2; the SDK stamps sent_at at every send), so copies differ by the
 * difference in network delay between the two sends, not hours.
 */
export const EVENT_COPY_MARGIN_MS = 3_600_000;
/**
 * Days beyond the scanned ones whose order lines' key and imported_at are
 * read, so a re-import that moved a line's `ts` to a neighbouring day still
 * replaces the older import. Exact unless a re-import moves `ts` by more
 * than this (orders are few: a whole day costs little).
 */
export const ORDER_REIMPORT_MARGIN_DAYS = 1;
/** Earliest and latest `dt` a bound can name: the epoch and the last 4-digit year (dt sorts as text). */
export const FIRST_DT = '1970-01-01';
export const LAST_DT = '9999-12-31';
/** The views a statement may carry as leading CTEs, each bounded to the statement's partitions. */
export const PERIOD_VIEWS = { events: 'views/events_in_period', orders: 'views/orders_in_period' } as const;
export type PeriodView = keyof typeof PERIOD_VIEWS;
/**
 * Which views each engine takes from PERIOD_VIEWS. Athena: both (its catalog
 * views dedupe with a window over all days, which no `dt` predicate passes).
 * DuckDB: none; its `events` is the lake-wide dedupe index, through which
 * the statement's own `dt` predicate reaches the Parquet scan, and its
 * `orders` a table deduplicated once per lake state (duckdb.ts), which the
 * `dt` predicate filters without reading a file.
 */
export const ENGINE_PERIOD_VIEWS: Readonly<Record<'duckdb' | 'athena', readonly PeriodView[]>> = {
  duckdb: [],
  athena: ['events', 'orders'],
};

/** The UTC date (`YYYY-MM-DD`) of an epoch-ms instant, clamped to FIRST_DT..LAST_DT. */
export function utcDay(epochMs: number): string {
  const day = new Date(Math.floor(epochMs / DAY_MS) * DAY_MS);
  if (Number.isNaN(day.getTime()) || day.getUTCFullYear() > 9999) return epochMs < 0 ? FIRST_DT : LAST_DT;
  if (day.getUTCFullYear() < 1970) return FIRST_DT;
  return day.toISOString().slice(0, 10);
}

function msParameter(params: Record<string, SqlValue>, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`parameter $${name} is ${JSON.stringify(value)}: it must be epoch milliseconds (a finite number)`);
  return value;
}

/**
 * The derived `dt` parameters for a statement: `from_dt`/`to_dt` (the days
 * of [from_ms, to_ms)), `lookback_from_dt` (from_ms − lookback_ms), and the
 * bounds of a carried dedupe view: `scan_from_dt`/`scan_to_dt` (every day
 * the statement reads), `dedupe_from_dt`/`dedupe_to_dt` (ORDER_REIMPORT_MARGIN_DAYS
 * more) and `copy_from_ms`/`copy_to_ms` (EVENT_COPY_MARGIN_MS beyond the
 * scanned days). None without from_ms and to_ms; they always override a given value.
 */
export function partitionBoundParameters(sql: string, params: Record<string, SqlValue>): Record<string, string | number> {
  const fromMs = msParameter(params, 'from_ms');
  const toMs = msParameter(params, 'to_ms');
  if (fromMs === undefined || toMs === undefined) return {};
  const lookbackMs = msParameter(params, 'lookback_ms');
  const usesLookback = lookbackMs !== undefined && parameterNames(sql).includes('lookback_from_dt');
  const scanFromMs = usesLookback ? fromMs - Math.max(0, lookbackMs) : fromMs;
  // to_ms is exclusive: the last instant read is to_ms - 1.
  const lastMs = Math.max(fromMs, toMs - 1);
  return {
    from_dt: utcDay(fromMs),
    to_dt: utcDay(lastMs),
    ...(lookbackMs !== undefined ? { lookback_from_dt: utcDay(fromMs - Math.max(0, lookbackMs)) } : {}),
    scan_from_dt: utcDay(scanFromMs),
    scan_to_dt: utcDay(lastMs),
    dedupe_from_dt: utcDay(scanFromMs - ORDER_REIMPORT_MARGIN_DAYS * DAY_MS),
    dedupe_to_dt: utcDay(lastMs + ORDER_REIMPORT_MARGIN_DAYS * DAY_MS),
    // From the start of the first scanned day and to the end of the last, clamped to what a Date holds.
    copy_from_ms: Math.max(-MAX_DATE_MS, Math.floor(scanFromMs / DAY_MS) * DAY_MS - EVENT_COPY_MARGIN_MS),
    copy_to_ms: Math.min(MAX_DATE_MS, (Math.floor(lastMs / DAY_MS) + 1) * DAY_MS + EVENT_COPY_MARGIN_MS),
  };
}

/** `params` with the derived `dt` bounds of {@link partitionBoundParameters} added. */
export function withPartitionBounds(sql: string, params: Record<string, SqlValue>): Record<string, SqlValue> {
  return { ...params, ...partitionBoundParameters(sql, params) };
}
