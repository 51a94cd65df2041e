/**
 * Experiments per retailer (docs/spec.md §§4 and 8): every report groups by
 * `retailer_id` first and a retailer is never mixed with another, so an
 * experiment id used by two retailers is two experiments. This analyses each
 * retailer the experiment was seen in (or the one `retailer` names) apart:
 * viewer-level, all retailers from one run of the queries (retailer_id on
 * each row); show-level, one analysis per retailer. It puts the parts together:
 * `retailer_id` on every row and on each retailer's assignment, exclusion
 * and sample-ratio summary.
 *
 * @example
 * const report = await analyzeExperimentByRetailer(engine, 'checkout-button', { method: 'frequentist' });
 * report.retailers; // [{ retailer_id: 'northwind', srm_p_value: 0.41, assignments: [...], ... }, ...]
 * report.rows[0];   // { retailer_id: 'northwind', metric: 'converted', variant: 'treatment', ... }
 */
import type { QueryEngine } from '../engine/engine.ts';
import { analyzeExperiment, experimentSetup, rowsOfRetailer, viewerExperimentReport, viewerExperimentRows, type ExperimentOptions, type ExperimentReport } from './experiment.ts';
import type { ExperimentRow } from './experiment-rows.ts';
import { formatExperimentReport } from './experiment-output.ts';
import type { ReportFormat } from './format.ts';
import { reportParameters } from './report-parameters.ts';

/** One retailer's assignment, exclusions and sample-ratio check. */
export type ExperimentRetailerSummary = Pick<
  ExperimentReport,
  'control' | 'exposed_viewers' | 'excluded_viewers' | 'unlisted_viewers' | 'exposed_shows' | 'excluded_shows' | 'unlisted_shows' |
  'assignments' | 'srm_p_value' | 'srm_flagged'
> & { retailer_id: string };

/** A metric row of one retailer's analysis. */
export type RetailerExperimentRow = { retailer_id: string } & ExperimentRow;

/** The experiment report across retailers, each analysed apart. */
export interface ExperimentByRetailerReport {
  experiment_id: string;
  unit: ExperimentReport['unit'];
  name: string | null;
  hypothesis: string | null;
  method: ExperimentReport['method'];
  alpha: number;
  correction: ExperimentReport['correction'];
  cap_percentile: number;
  cuped_lookback_ms: number;
  from_ms: number;
  to_ms: number;
  srm_threshold: number;
  /** Viewers (viewer-level) exposed in all the retailers together; per retailer under `retailers`. */
  exposed_viewers: number | null;
  /** Show-level experiments: shows exposed in all the retailers together. */
  exposed_shows?: number;
  /**
   * The per-retailer summaries folded together, so a reader of one retailer's report (or of
   * docs/spec.md §4 alone) finds them at the top: the control when every retailer has the same
   * one, counts summed, each retailer's assignments with its `retailer_id`, the smallest
   * retailer's sample-ratio p-value (each retailer is tested apart) and whether any is flagged.
   */
  control: string | null;
  excluded_viewers: number | null;
  unlisted_viewers: number | null;
  excluded_shows?: number;
  unlisted_shows?: number;
  assignments: Array<{ retailer_id: string } & ExperimentReport['assignments'][number]>;
  srm_p_value: number;
  srm_flagged: boolean;
  retailers: ExperimentRetailerSummary[];
  rows: RetailerExperimentRow[];
}

/** The analysis of each retailer, and the report that joins them. */
export interface ExperimentByRetailer {
  report: ExperimentByRetailerReport;
  /** One analysis per retailer (each with `retailer_id`), in retailer order. */
  parts: ExperimentReport[];
  /** The analysis of nothing, for the header when no retailer saw the experiment. */
  empty: ExperimentReport | undefined;
}

/** The retailers the experiment was seen in, within the options' period and filters. */
export async function retailersOf(engine: QueryEngine, experimentId: string, options: ExperimentOptions): Promise<string[]> {
  if (options.retailer !== undefined) return [options.retailer];
  const { window_ms: _window, ...filters } = reportParameters(options);
  const rows = await engine.run('experiment_retailers', { ...filters, experiment_id: experimentId });
  return rows.map((r) => String(r.retailer_id));
}

function summaryOf(part: ExperimentReport, retailerId: string): ExperimentRetailerSummary {
  return {
    retailer_id: retailerId,
    control: part.control,
    exposed_viewers: part.exposed_viewers,
    excluded_viewers: part.excluded_viewers,
    unlisted_viewers: part.unlisted_viewers,
    ...(part.exposed_shows === undefined ? {} : { exposed_shows: part.exposed_shows, excluded_shows: part.excluded_shows, unlisted_shows: part.unlisted_shows }),
    assignments: part.assignments,
    srm_p_value: part.srm_p_value,
    srm_flagged: part.srm_flagged,
  };
}

/** A retailer's analysis, tagged with its retailer. */
function tagged(part: ExperimentReport, retailerId: string): ExperimentReport {
  return { ...part, retailer_id: retailerId, rows: part.rows.map((row) => ({ retailer_id: retailerId, ...row })) };
}

/**
 * Viewer-level: every retailer's analysis from one run of the queries
 * (viewerExperimentRows with byRetailer), not one run per retailer: the
 * assignments and the per-viewer pass over the events are computed once
 * for all (at 10M events each run was ~4 CPU s). The retailers are those
 * the exclusions query finds (every retailer with an assigned viewer, as
 * experiment_retailers), or the one `options.retailer` names.
 */
async function viewerParts(engine: QueryEngine, experimentId: string, options: ExperimentOptions): Promise<{ parts: ExperimentReport[]; empty: ExperimentReport }> {
  const setup = experimentSetup(experimentId, options);
  const rows = await viewerExperimentRows(engine, setup, true);
  const retailers = options.retailer !== undefined ? [options.retailer] : rows.exclusions.map((r) => String(r.retailer_id));
  const parts = retailers.map((retailerId) => tagged(viewerExperimentReport(setup, rowsOfRetailer(rows, retailerId)), retailerId));
  return { parts, empty: viewerExperimentReport(setup, { exclusions: [], metrics: [], guardrails: [] }) };
}

/** Analyses experiment `experimentId` in each retailer apart (only `options.retailer` when given). */
export async function analyzeExperimentByRetailer(engine: QueryEngine, experimentId: string, options: ExperimentOptions = {}): Promise<ExperimentByRetailer> {
  let parts: ExperimentReport[];
  let empty: ExperimentReport | undefined;
  if (experimentSetup(experimentId, options).plan.unit === 'viewer') {
    const viewer = await viewerParts(engine, experimentId, options);
    parts = viewer.parts;
    // With no retailer, the header (period, unit, method...) comes from an analysis that finds nothing.
    empty = parts.length === 0 ? viewer.empty : undefined;
  } else {
    const retailers = await retailersOf(engine, experimentId, options);
    // Each retailer's analysis at once (the engine runs their queries in parallel), kept in retailer order.
    parts = await Promise.all(retailers.map(async (retailerId) => tagged(await analyzeExperiment(engine, experimentId, { ...options, retailer: retailerId }), retailerId)));
    empty = parts.length === 0 ? await analyzeExperiment(engine, experimentId, options) : undefined;
  }
  const first = parts[0] ?? empty!;
  const sum = (pick: (p: ExperimentReport) => number | null | undefined) => parts.reduce((t, p) => t + (pick(p) ?? 0), 0);
  const showLevel = first.unit === 'show';
  const report: ExperimentByRetailerReport = {
    experiment_id: experimentId,
    unit: first.unit,
    name: first.name,
    hypothesis: first.hypothesis,
    method: first.method,
    alpha: first.alpha,
    correction: first.correction,
    cap_percentile: first.cap_percentile,
    cuped_lookback_ms: first.cuped_lookback_ms,
    from_ms: first.from_ms,
    to_ms: first.to_ms,
    srm_threshold: first.srm_threshold,
    exposed_viewers: first.unit === 'show' ? null : sum((p) => p.exposed_viewers),
    ...(first.unit === 'show' ? { exposed_shows: sum((p) => p.exposed_shows) } : {}),
    control: parts.length === 0 ? first.control : parts.every((p) => p.control === first.control) ? first.control : null,
    excluded_viewers: showLevel ? null : sum((p) => p.excluded_viewers),
    unlisted_viewers: showLevel ? null : sum((p) => p.unlisted_viewers),
    ...(showLevel ? { excluded_shows: sum((p) => p.excluded_shows), unlisted_shows: sum((p) => p.unlisted_shows) } : {}),
    assignments: parts.flatMap((p) => p.assignments.map((a) => ({ retailer_id: p.retailer_id!, ...a }))),
    srm_p_value: parts.length === 0 ? first.srm_p_value : Math.min(...parts.map((p) => p.srm_p_value)),
    srm_flagged: parts.some((p) => p.srm_flagged),
    retailers: parts.map((p) => summaryOf(p, p.retailer_id!)),
    rows: parts.flatMap((p) => p.rows.map((row) => ({ retailer_id: p.retailer_id!, ...row }))),
  };
  return { report, parts, empty };
}

/** The CLI's output: JSON (the report), CSV (every row, retailer_id first), or per retailer its summary and table. */
export function formatExperimentByRetailer(result: ExperimentByRetailer, format: ReportFormat): string {
  if (format === 'json') {
    const { rows, ...rest } = result.report;
    return `${JSON.stringify({ rows, ...rest })}\n`;
  }
  const base = result.parts[0] ?? result.empty!;
  if (format === 'csv') return formatExperimentReport({ ...base, rows: result.report.rows }, 'csv');
  if (result.parts.length === 0) return formatExperimentReport(base, 'table');
  return result.parts.map((p) => formatExperimentReport(p, 'table')).join('\n');
}
