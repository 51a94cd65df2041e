/**
 * Report parameters as callers give them — a CLI flag's text or a query
 * string value of the data API (docs/spec.md section 8) — checked against
 * what each report allows. An error names the parameter and what is allowed
 * (the API answers 400 with its message; the CLI exits 1 with it).
 *
 * @example
 * const filters = parseFilters({ from: '2026-11-01', creator: 'c1' }); // { fromMs: 1793491200000, creator: 'c1' }
 */
import {
  parseDurationMs, parseFilterValue, parseTimeBound, reportParameters, type ReportFilters,
} from './report-parameters.ts';

/** A parameter as given: one text, several (a repeated query-string key) or absent. */
export type RawParameters = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A parameter that is unknown, missing, repeated or not allowed (HTTP 400). */
export class ReportParameterError extends Error {
  constructor(readonly parameter: string, readonly detail: string) {
    super(`${parameter}: ${detail}`);
    this.name = 'ReportParameterError';
  }
}

/** A report name that does not exist (HTTP 404). */
export class UnknownReportError extends Error {
  constructor(readonly report: string, known: readonly string[]) {
    super(`report "${report}" is not known: use ${known.join(', ')}`);
    this.name = 'UnknownReportError';
  }
}

/** One parameter a report takes: its snake_case name (the CLI flag is `--kebab-case`). */
export interface ParameterSpec {
  name: string;
  description: string;
  required?: boolean;
  /** The allowed values, when they are a closed list. */
  choices?: readonly string[];
  /** The value used when absent (shown in help). */
  default?: string;
}

/** The filters every report takes (docs/spec.md sections 5 and 8), in this order. */
export const FILTER_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'from', description: 'start of the period, inclusive: ISO 8601 (UTC when no zone is given) or epoch ms (default: the beginning)' },
  { name: 'to', description: 'end of the period, exclusive: ISO 8601 (UTC when no zone is given) or epoch ms (default: no end)' },
  { name: 'retailer', description: 'only this retailer (default: every retailer)' },
  { name: 'creator', description: "only this creator's events, and order lines attributed to their clicks" },
  { name: 'show', description: "only this show's events, and order lines attributed to its clicks" },
  { name: 'region', description: "only this region's events (the viewer's country), and order lines attributed to its clicks" },
];

/** The attribution window, for reports that attribute order lines. */
export const WINDOW_PARAMETER: ParameterSpec = { name: 'window', description: 'attribution window: e.g. 24h, 90m, 2d', default: '24h' };

/** The single text of a parameter, or undefined; a repeated one is refused. */
export function singleValue(raw: RawParameters, name: string): string | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value.length === 0) return undefined;
  if (value.length > 1) throw new ReportParameterError(name, `given ${value.length} times: give it once`);
  return value[0];
}

/** Runs `parse` on a parameter's text, turning its error into one naming the parameter. */
export function parseParameter<T>(name: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof ReportParameterError) throw err;
    throw new ReportParameterError(name, (err as Error).message);
  }
}

/** Refuses a parameter the report does not take, listing the ones it does. */
export function checkKnownParameters(report: string, raw: RawParameters, specs: readonly ParameterSpec[]): void {
  const known = new Set(specs.map((s) => s.name));
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || known.has(name)) continue;
    throw new ReportParameterError(name, `is not a parameter of report ${report}: use ${specs.map((s) => s.name).join(', ')}`);
  }
  for (const spec of specs) {
    const text = singleValue(raw, spec.name);
    if (spec.required && (text === undefined || text === '')) {
      throw new ReportParameterError(spec.name, `is required${spec.choices ? `: use ${spec.choices.join('|')}` : ''}`);
    }
    if (text !== undefined && spec.choices && !spec.choices.includes(text)) {
      throw new ReportParameterError(spec.name, `"${text}" is not allowed: use ${spec.choices.join('|')}`);
    }
  }
}

/** The filters and window of a request, parsed and checked (from before to). */
export function parseFilters(raw: RawParameters, withWindow = true): ReportFilters {
  const filters: ReportFilters = {};
  const from = singleValue(raw, 'from');
  const to = singleValue(raw, 'to');
  if (from !== undefined) filters.fromMs = parseParameter('from', from, parseTimeBound);
  if (to !== undefined) filters.toMs = parseParameter('to', to, parseTimeBound);
  for (const [name, key] of [['retailer', 'retailer'], ['creator', 'creator'], ['show', 'show'], ['region', 'region']] as const) {
    const text = singleValue(raw, name);
    if (text !== undefined) filters[key] = parseParameter(name, text, (t) => parseFilterValue(name, t));
  }
  const window = withWindow ? singleValue(raw, 'window') : undefined;
  if (window !== undefined) filters.windowMs = parseParameter('window', window, parseDurationMs);
  if (filters.fromMs !== undefined && filters.toMs !== undefined && !(filters.fromMs < filters.toMs)) {
    throw new ReportParameterError('from', `(${filters.fromMs}) must be before to (${filters.toMs})`);
  }
  reportParameters(filters);
  return filters;
}
