/**
 * The seam between the data API and the report layer: run any report by
 * name with raw parameters (query-string values) and get the CLI's
 * `--format json` document, its rows and columns, and the CLI's text
 * formats. Until the report layer's own one entry point
 * (`runReportRequest`, pipeline/reports) is on main, this adapts the
 * current one: `runReport` + `formatReport`, and the experiment report.
 *
 * @example
 * const out = await runReportRequest('conversion', { by: 'creator' }, { queryEngine });
 * out.json.rows; out.render('csv');
 */
import type { ColumnInfo, QueryEngine, Row, SqlValue } from '../../pipeline/engine/engine.ts';
import { formatReport, parseDurationMs, parseTimeBound, REPORTS, runReport, type ReportFilters, type ReportFormat } from '../../pipeline/reports/index.ts';
import { analyzeExperiment } from '../../pipeline/reports/experiment.ts';
import { formatExperimentReport } from '../../pipeline/reports/experiment-output.ts';
import { experimentOptionsFromFlags } from '../../cli/commands/report/experiment.ts';
import { REVENUE_AT_RISK_FORMULA } from '../../cli/commands/report/qoe-impact.ts';

/** A parameter as given: one text, several (a repeated key) or absent. */
export type RawParameters = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A parameter that is unknown, missing, repeated or not allowed (HTTP 400). */
export class ReportParameterError extends Error {
  constructor(readonly parameter: string, readonly detail: string) {
    super(`${parameter}: ${detail}`);
    this.name = 'ReportParameterError';
  }
}

/** A report that does not exist (HTTP 404). */
export class UnknownReportError extends Error {
  constructor(readonly report: string, known: readonly string[]) {
    super(`report "${report}" is not known: use ${known.join(', ')}`);
    this.name = 'UnknownReportError';
  }
}

export interface ReportOutput {
  report: string;
  /** Exactly what `--format json` prints. */
  json: { rows: Row[]; params: Record<string, SqlValue> } & Record<string, unknown>;
  rows: Row[];
  columns: ColumnInfo[];
  render(format: ReportFormat): string;
}

const FILTERS = ['from', 'to', 'retailer', 'creator', 'show', 'region'];
const EXPERIMENT_PARAMETERS = ['id', 'control', 'weights', 'method', 'alpha', 'correction', 'cap', 'lookback_days', 'prior', 'sequential_tuning'];

/** Parameters each report takes (snake_case of its CLI flags, plus the filters). */
export const REPORT_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  conversion: ['by', ...FILTERS, 'window'],
  qoe: ['by', ...FILTERS],
  'qoe-impact': ['by', ...FILTERS, 'window'],
  audience: ['by', ...FILTERS, 'window'],
  timeline: [...FILTERS, 'window'],
  experiment: [...EXPERIMENT_PARAMETERS, ...FILTERS, 'window'],
};

function single(raw: RawParameters, name: string): string | undefined {
  const value = raw[name];
  if (value === undefined || typeof value === 'string') return value;
  if (value.length > 1) throw new ReportParameterError(name, `given ${value.length} times: give it once`);
  return value[0];
}

function parsed<T>(name: string, text: string, parse: (t: string) => T): T {
  try {
    return parse(text);
  } catch (err) {
    throw new ReportParameterError(name, (err as Error).message);
  }
}

function filtersOf(raw: RawParameters): ReportFilters {
  const filters: ReportFilters = {};
  const from = single(raw, 'from');
  const to = single(raw, 'to');
  const retailer = single(raw, 'retailer');
  const window = single(raw, 'window');
  if (from !== undefined) filters.fromMs = parsed('from', from, parseTimeBound);
  if (to !== undefined) filters.toMs = parsed('to', to, parseTimeBound);
  if (filters.fromMs !== undefined && filters.toMs !== undefined && !(filters.fromMs < filters.toMs)) {
    throw new ReportParameterError('from', `must be before to (${from} is not before ${to})`);
  }
  if (retailer !== undefined && retailer !== '') filters.retailer = retailer;
  if (window !== undefined) filters.windowMs = parsed('window', window, parseDurationMs);
  return filters;
}

function outputOf(result: Awaited<ReturnType<typeof runReport>>, extra: Record<string, unknown> = {}): ReportOutput {
  const { rows, report, by, query, engine, params, columns } = result;
  const json = { rows, report, by, query, engine, params, columns, ...extra };
  return { report, json, rows, columns, render: (format) => (format === 'json' ? `${JSON.stringify(json)}\n` : formatReport(result, format)) };
}

/** Checks the parameters, then runs the report on `engine`. */
export async function runReportRequest(name: string, raw: RawParameters, options: { queryEngine: QueryEngine }): Promise<ReportOutput> {
  const allowed = Object.hasOwn(REPORT_PARAMETERS, name) ? REPORT_PARAMETERS[name]! : undefined;
  if (allowed === undefined) throw new UnknownReportError(name, Object.keys(REPORT_PARAMETERS));
  for (const key of Object.keys(raw)) {
    if (raw[key] !== undefined && !allowed.includes(key)) throw new ReportParameterError(key, `is not a parameter of ${name}: use ${allowed.join(', ')}`);
  }
  const filters = filtersOf(raw);
  const engine = options.queryEngine;
  if (name === 'experiment') {
    const id = single(raw, 'id') ?? '';
    const flags: Record<string, string | undefined> = {};
    for (const p of EXPERIMENT_PARAMETERS.slice(1)) flags[p.replace(/_(.)/g, (_m, ch: string) => ch.toUpperCase())] = single(raw, p);
    const options = parsed('experiment', '', () => experimentOptionsFromFlags(flags as Parameters<typeof experimentOptionsFromFlags>[0]));
    const report = await analyzeExperiment(engine, id, { ...options, ...filters });
    const { rows, ...rest } = report;
    const json = { rows: rows as unknown as Row[], ...rest, params: {} as Record<string, SqlValue> };
    const columns: ColumnInfo[] = Object.keys(json.rows[0] ?? {}).map((n) => ({ name: n, type: 'OTHER' }));
    return { report: name, json, rows: json.rows, columns, render: (format) => (format === 'json' ? `${JSON.stringify(json)}\n` : formatExperimentReport(report, format)) };
  }
  const by = name === 'timeline' ? 'show' : single(raw, 'by');
  const def = REPORTS[name as keyof typeof REPORTS];
  if (by === undefined) throw new ReportParameterError('by', `is required: use ${Object.keys(def.groupings).join('|')}`);
  if (!Object.hasOwn(def.groupings, by)) throw new ReportParameterError('by', `"${by}" is not allowed: use ${Object.keys(def.groupings).join('|')}`);
  const extraParams: Record<string, SqlValue> = {};
  if (name === 'timeline') {
    const show = single(raw, 'show');
    if (show === undefined || show === '') throw new ReportParameterError('show', 'is required: the show_id');
    extraParams.show_id = show;
  }
  if (name === 'qoe-impact') extraParams.region = single(raw, 'region') ?? '';
  const result = await runReport(name, { ...filters, by, extraParams, queryEngine: engine });
  return outputOf(result, name === 'qoe-impact' ? { revenue_at_risk_formula: REVENUE_AT_RISK_FORMULA } : {});
}
