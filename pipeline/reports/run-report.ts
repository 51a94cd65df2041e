/**
 * The library entry point for reports (CLI, dashboard, demo): runs one
 * report's query on the configured engine with bound parameters and returns
 * the rows with their columns.
 *
 * @example
 * const { rows } = await runReport('conversion', { by: 'creator', fromMs: Date.parse('2026-11-01'), dataDir: './.livelens' });
 * // rows[0]: { retailer_id, creator_id, currency, viewers, clickers, buyers, orders, units, revenue,
 * //            conversion_rate, revenue_per_viewer, conversion_rate_ci_low, conversion_rate_ci_high }
 */
import type { ColumnInfo, QueryEngine, Row, SqlValue } from '../engine/engine.ts';
import { createEngine } from '../engine/create-engine.ts';
import type { EngineSettings } from '../engine/create-engine.ts';
import { reportDefinition, reportGrouping } from './definitions.ts';
import { reportParameters } from './report-parameters.ts';
import type { ReportFilters } from './report-parameters.ts';

export interface ReportOptions extends ReportFilters, Partial<EngineSettings> {
  /** The grouping (`--by`), e.g. `creator`. */
  by: string;
  /** Bound parameters beyond the filters (they win over them); prefer the filter fields. */
  extraParams?: Record<string, SqlValue>;
  /** An open engine to reuse (it is not closed); otherwise one is opened from the settings and closed. */
  queryEngine?: QueryEngine;
}

export interface ReportResult {
  report: string;
  by: string;
  /** The query file that answered, e.g. `conversion_by_group` (with `by`, its group column). */
  query: string;
  engine: 'duckdb' | 'athena';
  /** The bound parameters. */
  params: Record<string, SqlValue>;
  columns: ColumnInfo[];
  rows: Row[];
}

/** Runs report `name` grouped by `options.by`. */
export async function runReport(name: string, options: ReportOptions): Promise<ReportResult> {
  const def = reportDefinition(name);
  const grouping = reportGrouping(name, options.by);
  const params: Record<string, SqlValue> = { ...reportParameters(options), ...grouping.params, ...options.extraParams };
  const engine = options.queryEngine ?? (await createEngine({ ...options, dataDir: options.dataDir ?? './.livelens' }));
  try {
    const result = await engine.query(grouping.query, params, grouping.identifiers);
    const rows = def.enrich ? result.rows.map(def.enrich.row) : result.rows;
    const columns = [...result.columns, ...(def.enrich?.columns ?? [])];
    return { report: name, by: options.by, query: grouping.query, engine: engine.name, params, columns, rows };
  } finally {
    if (options.queryEngine === undefined) await engine.close();
  }
}
