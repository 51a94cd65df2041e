/**
 * The experiment report (docs/spec.md §§4 and 6): per-variant sufficient
 * statistics from `queries/experiment_*.sql`, run on whichever engine is
 * configured, then the statistics engine in TypeScript. Every metric is
 * reported unadjusted and, beside it, CUPED-adjusted.
 *
 * @example
 * const report = await analyzeExperiment(engine, 'checkout-button', { method: 'frequentist' });
 * report.srm_flagged; report.rows.filter((r) => r.metric === 'converted');
 */
import { withMaterialized, type QueryEngine, type Row } from '../engine/engine.ts';
import { reportParameters, type ReportFilters } from './report-parameters.ts';
import type { Method } from '../../stats/analyze.ts';
import type { GaussianPrior } from '../../stats/bayesian.ts';
import { DEFAULT_ALPHA } from '../../stats/frequentist.ts';
import type { Correction } from '../../stats/multiple.ts';
import { isSampleRatioMismatch, SRM_P_VALUE_THRESHOLD } from '../../stats/srm.ts';
import type { MetricType } from '../../stats/sufficient.ts';
import { isQoeGuardrail, metricType, type ExperimentDefinition, type ExperimentUnit } from './experiment-definitions.ts';
import { definedPeriod, experimentPlan, listedVariantsParameter, sampleRatio, variantsInOrder } from './experiment-plan.ts';
import { experimentRows, numberColumn, slotsFrom, type ExperimentRow, type RowAnalysis } from './experiment-rows.ts';
import { analyzeShowExperiment } from './experiment-show.ts';

/** CUPED's pre-exposure window (docs/spec.md: the 14 days before exposure). */
export const DEFAULT_CUPED_LOOKBACK_MS = 14 * 86_400_000;
/** Revenue capping percentile when none is given: 1 means no capping. */
export const DEFAULT_CAP_PERCENTILE = 1;
export { DEFAULT_CONTROL_NAME } from './experiment-plan.ts';

/** The per-viewer metrics of docs/spec.md §4, in report order, with how each is tested. */
export const EXPERIMENT_METRICS: ReadonlyArray<{ metric: string; type: MetricType }> = [
  { metric: 'converted', type: 'proportion' },
  { metric: 'revenue', type: 'mean' },
  { metric: 'watch_minutes', type: 'mean' },
  { metric: 'clicks', type: 'mean' },
];

export interface ExperimentOptions extends ReportFilters {
  /** Control variant; default `control` when present, else the first by name. */
  control?: string;
  /** Planned traffic weights by variant (for SRM); equal when absent. */
  weights?: Record<string, number>;
  method?: Method;
  alpha?: number;
  correction?: Correction;
  /** Cap per-viewer revenue at this percentile (0 < p ≤ 1; 1 = no cap). */
  capPercentile?: number;
  /** CUPED pre-exposure window in ms. */
  lookbackMs?: number;
  prior?: GaussianPrior;
  sequentialTuningUnits?: number;
  /** The experiment's definition (docs/spec.md §4); the options above override it. */
  definition?: ExperimentDefinition;
}

export interface ExperimentAssignment {
  variant: string;
  viewers: number;
  /** Show-level experiments: the variant's shows (what the sample-ratio test counts); null for viewer-level. */
  shows: number | null;
  planned_share: number;
  observed_share: number;
}

export type { ExperimentRow };

export interface ExperimentReport {
  experiment_id: string;
  /** The retailer analysed, when one is (docs/spec.md §§4 and 8: each retailer's exposures apart; experiment-retailers.ts). */
  retailer_id?: string;
  control: string;
  method: Method;
  alpha: number;
  correction: Correction;
  cap_percentile: number;
  cuped_lookback_ms: number;
  /** The unit randomized: viewers, or whole shows (docs/spec.md §4). */
  unit: ExperimentUnit;
  /** From the definition, when there is one. */
  name: string | null;
  hypothesis: string | null;
  /** The period analysed, [from_ms, to_ms). */
  from_ms: number;
  to_ms: number;
  /** Viewer-level: viewers exposed; null for show-level experiments (see exposed_shows). */
  exposed_viewers: number | null;
  /** Viewers seen in more than one variant (left out). */
  excluded_viewers: number | null;
  /** Viewers assigned to a variant the definition does not list (left out). */
  unlisted_viewers: number | null;
  /** Show-level experiments: shows exposed, shows whose events disagree on the variant (left out), shows of unlisted variants. */
  exposed_shows?: number;
  excluded_shows?: number;
  unlisted_shows?: number;
  assignments: ExperimentAssignment[];
  srm_p_value: number;
  srm_flagged: boolean;
  srm_threshold: number;
  rows: ExperimentRow[];
}

/** Control first (as chosen), the others by name (kept for callers of the report module). */
export function orderVariants(variants: readonly string[], control?: string): string[] {
  return variantsInOrder(variants, { listed: undefined, control, weights: undefined });
}

function checkOptions(o: ExperimentOptions): void {
  const cap = o.capPercentile ?? DEFAULT_CAP_PERCENTILE;
  if (!(cap > 0 && cap <= 1)) throw new Error(`capping percentile ${cap} is out of range: use a number above 0 and at most 1 (e.g. 0.99)`);
  const alpha = o.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha ${alpha} is out of range: use a number between 0 and 1 (e.g. 0.05)`);
  const lookback = o.lookbackMs ?? DEFAULT_CUPED_LOOKBACK_MS;
  if (!(lookback >= 0)) throw new Error(`CUPED lookback ${lookback} ms must be 0 or more`);
  for (const [name, w] of Object.entries(o.weights ?? {})) {
    if (!(w >= 0 && Number.isFinite(w))) throw new Error(`weight of variant "${name}" is ${w}: weights must be finite and 0 or more`);
  }
}

/** What an analysis of the experiment needs, from its id and options: checked, with the definition applied (the report and its cumulative lift share it). */
export function experimentSetup(experimentId: string, options: ExperimentOptions) {
  if (experimentId.trim() === '') throw new Error('experiment id is empty: give the id the SDK sends in exposure events');
  // The id is spliced into a JSON path ($["id"]) as a bound string; a quote or backslash would change the path.
  if (/["\\]/.test(experimentId)) throw new Error(`experiment id ${JSON.stringify(experimentId)} is not allowed: it may not contain " or \\`);
  checkOptions(options);
  const plan = experimentPlan(options.definition, options);
  const method = options.method ?? 'frequentist';
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const correction = options.correction ?? 'none';
  const capPercentile = options.capPercentile ?? DEFAULT_CAP_PERCENTILE;
  const lookbackMs = options.lookbackMs ?? DEFAULT_CUPED_LOOKBACK_MS;
  const analysis: RowAnalysis = {
    method,
    alpha,
    correction,
    ...(options.prior ? { prior: options.prior } : {}),
    ...(options.sequentialTuningUnits ? { sequentialTuningUnits: options.sequentialTuningUnits } : {}),
  };
  const base = reportParameters({ ...options, ...definedPeriod(plan) });
  const { window_ms: _window, ...filters } = base;
  const params = { ...filters, experiment_id: experimentId, variants: listedVariantsParameter(plan.listed) };
  const header = {
    experiment_id: experimentId, unit: plan.unit, name: plan.name, hypothesis: plan.hypothesis,
    method, alpha, correction, cap_percentile: capPercentile, cuped_lookback_ms: lookbackMs,
    from_ms: base.from_ms, to_ms: base.to_ms,
  };
  return { plan, analysis, params, base, lookbackMs, capPercentile, header };
}

/** What an analysis is built from (experimentSetup's result). */
export type ExperimentSetup = ReturnType<typeof experimentSetup>;

/** The rows of the viewer-level queries: exclusions, metric and QoE-guardrail sufficient statistics. */
export interface ViewerExperimentRows {
  exclusions: Row[];
  metrics: Row[];
  guardrails: Row[];
}

/**
 * Runs the viewer-level experiment queries once. `byRetailer`: every row
 * carries the retailer it analyses (each retailer apart, all in one pass);
 * otherwise retailer_id is '' and every retailer the filters keep is one
 * analysis.
 */
export async function viewerExperimentRows(engine: QueryEngine, setup: ExperimentSetup, byRetailer: boolean): Promise<ViewerExperimentRows> {
  const { plan, params, base, lookbackMs, capPercentile } = setup;
  const bound = { ...params, by_retailer: byRetailer ? 1 : 0 };
  const qoeGuardrails = plan.guardrails.some(isQoeGuardrail);
  const metricParams = { ...bound, window_ms: base.window_ms, lookback_ms: lookbackMs, cap_percentile: capPercentile, qoe_sessions: qoeGuardrails ? 1 : 0 };
  // Computed once for the queries that read them (where the engine can: DuckDB; on Athena each
  // is one CTE chain): who saw which variant, which was most of the report's time when each query
  // re-derived it, and, when the QoE guardrails read them too, the exposed viewers' sessions, the
  // one pass over their events that the metrics and the guardrails share.
  const materialized = qoeGuardrails ? ['experiment_assignments', 'experiment_unit_sessions'] : ['experiment_assignments'];
  const [exclusions, metrics, guardrails] = await withMaterialized(engine, materialized, metricParams, (e) => Promise.all([
    e.run('experiment_exclusions', bound),
    e.run('experiment_metrics', metricParams),
    qoeGuardrails ? e.run('experiment_guardrails', metricParams) : Promise.resolve([]),
  ]));
  return { exclusions, metrics, guardrails };
}

/** The rows of one analysis (`retailer_id` as viewerExperimentRows set it). */
export function rowsOfRetailer(rows: ViewerExperimentRows, retailerId: string): ViewerExperimentRows {
  const of = (list: Row[]) => list.filter((r) => String(r.retailer_id) === retailerId);
  return { exclusions: of(rows.exclusions), metrics: of(rows.metrics), guardrails: of(rows.guardrails) };
}

/**
 * The statistics of one viewer-level analysis from its rows: assignment
 * counts, SRM, excluded viewers, and per metric × variant the unadjusted and
 * CUPED lifts. Corrections apply across all metrics and variants, separately
 * for each of the four families (absolute/relative × unadjusted/CUPED).
 */
export function viewerExperimentReport(setup: ExperimentSetup, rows: ViewerExperimentRows): ExperimentReport {
  const { plan, analysis, header } = setup;
  const [exclusions] = rows.exclusions;
  const metricRows = rows.metrics;
  const qoeGuardrails = plan.guardrails.filter(isQoeGuardrail);
  const seen = metricRows.filter((r) => r.metric === 'watch_minutes').map((r) => String(r.variant));
  const variants = variantsInOrder(seen, plan);
  const viewersOf = new Map(metricRows.filter((r) => r.metric === 'watch_minutes').map((r) => [String(r.variant), numberColumn(r, 'n')]));
  const counts = variants.map((v) => viewersOf.get(v) ?? 0);
  const ratio = sampleRatio(variants, counts, plan.weights);

  const typed = (names: readonly string[]) => names.map((metric) => ({ metric, type: metricType(metric) }));
  const slots = [
    ...slotsFrom(metricRows, variants, typed(plan.metrics), false),
    ...slotsFrom(metricRows, variants, typed(plan.guardrails.filter((g) => !isQoeGuardrail(g))), true),
    ...slotsFrom(rows.guardrails, variants, typed(qoeGuardrails), true),
  ];

  return {
    ...header,
    control: variants[0] ?? '',
    exposed_viewers: exclusions ? numberColumn(exclusions, 'exposed_viewers') : 0,
    excluded_viewers: exclusions ? numberColumn(exclusions, 'excluded_viewers') : 0,
    unlisted_viewers: exclusions ? numberColumn(exclusions, 'unlisted_viewers') : 0,
    assignments: ratio.assignments.map((a) => ({ variant: a.variant, viewers: a.count, shows: null, planned_share: a.planned_share, observed_share: a.observed_share })),
    srm_p_value: ratio.p_value,
    srm_flagged: isSampleRatioMismatch(ratio.p_value),
    srm_threshold: SRM_P_VALUE_THRESHOLD,
    rows: experimentRows(slots, analysis),
  };
}

/**
 * Runs the experiment queries and the statistics (viewerExperimentReport;
 * show-level: experiment-show.ts) as one analysis of every retailer the
 * filters keep: give `retailer` to analyse one (experiment-retailers.ts
 * analyses each apart).
 */
export async function analyzeExperiment(engine: QueryEngine, experimentId: string, options: ExperimentOptions = {}): Promise<ExperimentReport> {
  const setup = experimentSetup(experimentId, options);
  const { plan, analysis, params, base, header } = setup;
  if (plan.unit === 'show') {
    return analyzeShowExperiment(engine, { ...params, window_ms: base.window_ms }, plan, analysis, header);
  }
  return viewerExperimentReport(setup, await viewerExperimentRows(engine, setup, false));
}
