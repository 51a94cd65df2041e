/**
 * The one entry point that runs any report by name (docs/spec.md sections 5
 * and 8): the parameters each report takes, checked, and the output in
 * exactly the shape of `livelens report <name> --format json|csv|table`.
 * The CLI and the data API both call `runReportRequest`, so the API's JSON
 * equals the CLI's for the same parameters.
 *
 * @example
 * const out = await runReportRequest('conversion', { by: 'creator', from: '2026-11-01', retailer: 'r1' }, { dataDir: './.livelens' });
 * out.json;              // { rows: [...], report, by, query, engine, params: { from_ms, ..., creator_id: '', ... }, columns }
 * out.render('csv');     // the CLI's --format csv
 * // The API: GET /api/v1/reports/qoe?by=region&from=... → runReportRequest('qoe', query) (without `format`);
 * // a ReportParameterError is a 400, an UnknownReportError a 404.
 */
import type { ColumnInfo, QueryEngine, Row, SqlValue } from '../engine/engine.ts';
import { createEngine, type EngineSettings } from '../engine/create-engine.ts';
import { DAY_MS, HOUR_MS, REPORTS } from './definitions.ts';
import { formatReport, reportJson, type ReportFormat } from './format.ts';
import { runReport, type ReportResult } from './run-report.ts';
import { analyzeExperimentByRetailer, formatExperimentByRetailer } from './experiment-retailers.ts';
import { cumulativeLift, CUMULATIVE_COLUMNS } from './experiment-cumulative.ts';
import { EXPERIMENT_PARAMETERS, experimentOptions, parseExperimentId } from './experiment-parameters.ts';
import { experimentsFileFor, loadExperimentDefinitions } from './experiment-definitions.ts';
import { reportParameters, type ReportFilters } from './report-parameters.ts';
import {
  checkKnownParameters, FILTER_PARAMETERS, parseFilters, parseParameter, singleValue, UnknownReportError, WINDOW_PARAMETER,
  type ParameterSpec, type RawParameters,
} from './request.ts';

/** The data dir when the caller names none (the dataDir setting's default). */
const DEFAULT_DATA_DIR = './.livelens';

/** How revenue_at_risk is computed, printed beside it (docs/spec.md §4b: "with the formula stated"). */
export const REVENUE_AT_RISK_FORMULA =
  'revenue_at_risk = viewers in buckets worse than the best (none, <2s, <1s) × (conversion of the best bucket − their conversion) × average attributed order line revenue, per retailer, region and currency';

/** A report's result: the `--format json` document, its rows and columns (for Arrow), and every text format. */
export interface ReportOutput {
  report: string;
  /** Exactly what `--format json` prints (one JSON line). */
  json: { rows: Row[]; params: Record<string, SqlValue> } & Record<string, unknown>;
  rows: Row[];
  columns: ColumnInfo[];
  /** The CLI's output in that format. */
  render(format: ReportFormat): string;
}

/** A checked request, ready to run on an engine. */
export interface ReportRequest {
  report: string;
  filters: ReportFilters;
  run(engine: QueryEngine, context?: ReportContext): Promise<ReportOutput>;
}

/** What a report may need beyond its parameters: settings the caller resolved (never given by API callers). */
export interface ReportContext {
  /** The data dir (where `experiments.json` is looked for). */
  dataDir?: string;
  /** The experiment definitions file (--experiments / LIVELENS_EXPERIMENTS); it must exist when given. */
  experimentsFile?: string;
}

interface CatalogEntry {
  description: string;
  /** Every parameter, in help order; the CLI flag of `name` is `--name` (kebab-case). */
  parameters: readonly ParameterSpec[];
  prepare(raw: RawParameters, filters: ReportFilters): (engine: QueryEngine, context?: ReportContext) => Promise<ReportOutput>;
}

function byParameter(name: keyof typeof REPORTS, what: string): ParameterSpec {
  return { name: 'by', description: what, required: true, choices: Object.keys(REPORTS[name].groupings) };
}

function outputOf(result: ReportResult, extra: Record<string, unknown> = {}, tableNote = ''): ReportOutput {
  const json = { ...reportJson(result), ...extra };
  return {
    report: result.report,
    json,
    rows: result.rows,
    columns: result.columns,
    render: (format) => {
      if (format === 'json') return `${JSON.stringify(json)}\n`;
      const text = formatReport(result, format);
      return format === 'table' && tableNote !== '' ? `${text}\n${tableNote}\n` : text;
    },
  };
}

function grouped(name: 'conversion' | 'conversion-over-time' | 'qoe' | 'audience', what: string, attributes: boolean): CatalogEntry {
  return {
    description: REPORTS[name].description,
    parameters: [byParameter(name, what), ...FILTER_PARAMETERS, ...(attributes ? [WINDOW_PARAMETER] : [])],
    prepare: (raw, filters) => async (engine) =>
      outputOf(await runReport(name, { ...filters, by: singleValue(raw, 'by')!, queryEngine: engine })),
  };
}

/** Every report by name (the CLI's `livelens report <name>`, the API's `/api/v1/reports/<name>` and `/experiments/ID`). */
export const REPORT_CATALOG: Readonly<Record<string, CatalogEntry>> = {
  conversion: grouped('conversion', 'group rows by', true),
  qoe: grouped('qoe', 'group rows by', false),
  experiment: {
    description: 'A/B test read-out: assignment, sample-ratio check, exclusions, lift per metric with CUPED beside unadjusted',
    parameters: [...EXPERIMENT_PARAMETERS, ...FILTER_PARAMETERS, WINDOW_PARAMETER],
    prepare: (raw, filters) => {
      const id = parseParameter('id', singleValue(raw, 'id') ?? '', parseExperimentId);
      const options = { ...filters, ...experimentOptions(raw) };
      return async (engine, context = {}) => {
        const file = experimentsFileFor(context.experimentsFile, context.dataDir ?? DEFAULT_DATA_DIR);
        const definition = file === null ? undefined : (await loadExperimentDefinitions(file)).get(id);
        const result = await analyzeExperimentByRetailer(engine, id, { ...options, ...(definition ? { definition } : {}) });
        const { rows, ...rest } = result.report;
        const params: Record<string, SqlValue> = { ...reportParameters(filters), experiment_id: id };
        const json = { rows: rows as unknown as Row[], ...rest, params };
        return {
          report: 'experiment',
          json,
          rows: json.rows,
          columns: experimentColumns(json.rows),
          render: (format) => (format === 'json' ? `${JSON.stringify(json)}\n` : formatExperimentByRetailer(result, format)),
        };
      };
    },
  },
  'qoe-impact': {
    description: REPORTS['qoe-impact'].description,
    parameters: [byParameter('qoe-impact', 'bucket pairs by'), ...FILTER_PARAMETERS, WINDOW_PARAMETER],
    prepare: (raw, filters) => async (engine) => outputOf(
      await runReport('qoe-impact', { ...filters, by: singleValue(raw, 'by')!, queryEngine: engine }),
      { revenue_at_risk_formula: REVENUE_AT_RISK_FORMULA },
      REVENUE_AT_RISK_FORMULA,
    ),
  },
  audience: grouped('audience', 'group rows by', true),
  timeline: {
    description: REPORTS.timeline.description,
    parameters: FILTER_PARAMETERS.map((p) => (p.name === 'show' ? { name: 'show', description: 'the show_id', required: true } : p))
      .concat([WINDOW_PARAMETER]),
    prepare: (_raw, filters) => async (engine) => outputOf(await runReport('timeline', { ...filters, by: 'show', queryEngine: engine })),
  },
  // Beyond docs/spec.md §5: the dashboard's Overview (totals of a period and the same over time) and the cumulative lift of an experiment.
  'experiment-cumulative': {
    description: 'cumulative lift by day (or hour) of first exposure: each metric\'s relative lift and interval over the viewers first exposed up to each period, as the experiment report computes it',
    parameters: [
      EXPERIMENT_PARAMETERS[0]!,
      { name: 'by', description: 'period of first exposure (UTC)', choices: ['day', 'hour'], default: 'day' },
      ...EXPERIMENT_PARAMETERS.slice(1), ...FILTER_PARAMETERS, WINDOW_PARAMETER,
    ],
    prepare: (raw, filters) => {
      const id = parseParameter('id', singleValue(raw, 'id') ?? '', parseExperimentId);
      const by = singleValue(raw, 'by') ?? 'day';
      const options = { ...filters, ...experimentOptions(raw), bucketMs: by === 'hour' ? HOUR_MS : DAY_MS };
      return async (engine, context = {}) => {
        const file = experimentsFileFor(context.experimentsFile, context.dataDir ?? DEFAULT_DATA_DIR);
        const definition = file === null ? undefined : (await loadExperimentDefinitions(file)).get(id);
        const { header, rows } = await cumulativeLift(engine, id, { ...options, ...(definition ? { definition } : {}) });
        const params: Record<string, SqlValue> = { ...reportParameters(filters), experiment_id: id };
        const typedRows = rows as unknown as Row[];
        const result: ReportResult = { report: 'experiment-cumulative', by, query: 'experiment_cumulative_metrics', engine: engine.name, params, columns: CUMULATIVE_COLUMNS, rows: typedRows };
        const json = { rows: typedRows, report: 'experiment-cumulative', by, ...header, params, columns: CUMULATIVE_COLUMNS };
        return {
          report: 'experiment-cumulative', json, rows: typedRows, columns: CUMULATIVE_COLUMNS,
          render: (format) => (format === 'json' ? `${JSON.stringify(json)}\n` : formatReport(result, format)),
        };
      };
    },
  },
  'conversion-over-time': grouped('conversion-over-time', 'one row per hour, per day (UTC), or the total over the period', true),
};

/** Report names, in the order of docs/spec.md section 5, then the dashboard's own. */
export const REPORT_NAMES: readonly string[] = Object.keys(REPORT_CATALOG);

/** The catalog entry of a report, or an UnknownReportError (HTTP 404) listing the known ones. */
export function reportEntry(name: string): CatalogEntry {
  const entry = Object.hasOwn(REPORT_CATALOG, name) ? REPORT_CATALOG[name] : undefined;
  if (entry === undefined) throw new UnknownReportError(name, REPORT_NAMES);
  return entry;
}

/** The parameters report `name` takes (for help, the API's 400 messages and documentation). */
export function reportParameterSpecs(name: string): readonly ParameterSpec[] {
  return reportEntry(name).parameters;
}

/** Checks every parameter of a request (unknown, missing, repeated, malformed) before any engine opens. */
export function parseReportRequest(name: string, raw: RawParameters): ReportRequest {
  const entry = reportEntry(name);
  checkKnownParameters(name, raw, entry.parameters);
  const filters = parseFilters(raw, entry.parameters.includes(WINDOW_PARAMETER));
  return { report: name, filters, run: entry.prepare(raw, filters) };
}

export interface ReportEngineOptions extends Partial<EngineSettings>, Omit<ReportContext, 'dataDir'> {
  /** An open engine to reuse (not closed); otherwise one is opened from the settings and closed. */
  queryEngine?: QueryEngine;
}

/** Runs report `name` with raw parameters (CLI flags or API query values); see the module example. */
export async function runReportRequest(name: string, raw: RawParameters, options: ReportEngineOptions = {}): Promise<ReportOutput> {
  const request = parseReportRequest(name, raw);
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const engine = options.queryEngine ?? (await createEngine({ ...options, dataDir }));
  try {
    return await request.run(engine, { dataDir, ...(options.experimentsFile !== undefined ? { experimentsFile: options.experimentsFile } : {}) });
  } finally {
    if (options.queryEngine === undefined) await engine.close();
  }
}

/** Column types of the experiment rows, from their values (counts BIGINT, other numbers DOUBLE). */
function experimentColumns(rows: readonly Row[]): ColumnInfo[] {
  const counts = new Set(['viewers', 'shows']);
  return Object.keys(rows[0] ?? {}).map((name): ColumnInfo => {
    const value = rows.map((r) => r[name]).find((v) => v !== null && v !== undefined);
    if (typeof value === 'string') return { name, type: 'VARCHAR' };
    if (typeof value === 'boolean') return { name, type: 'BOOLEAN' };
    if (value === undefined) return { name, type: ['metric', 'currency', 'variant', 'note'].includes(name) ? 'VARCHAR' : 'DOUBLE' };
    return { name, type: counts.has(name) ? 'BIGINT' : 'DOUBLE' };
  });
}
