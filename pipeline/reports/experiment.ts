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
import type { QueryEngine, Row } from '../engine/engine.ts';
import { reportParameters, type ReportFilters } from './report-parameters.ts';
import { compareArms, correctComparisons, type AnalysisOptions, type Comparison, type Method } from '../../stats/analyze.ts';
import type { GaussianPrior } from '../../stats/bayesian.ts';
import { DEFAULT_ALPHA } from '../../stats/frequentist.ts';
import type { Correction } from '../../stats/multiple.ts';
import { cupedArm } from '../../stats/cuped.ts';
import { DEFAULT_POWER, minimumDetectableEffect } from '../../stats/power.ts';
import { isSampleRatioMismatch, srmPValue, SRM_P_VALUE_THRESHOLD } from '../../stats/srm.ts';
import { armMoments, type MetricType, type VariantSums } from '../../stats/sufficient.ts';

/** CUPED's pre-exposure window (docs/spec.md: the 14 days before exposure). */
export const DEFAULT_CUPED_LOOKBACK_MS = 14 * 86_400_000;
/** Revenue capping percentile when none is given: 1 means no capping. */
export const DEFAULT_CAP_PERCENTILE = 1;
/** The variant taken as control when `control` is not given and a variant has this name. */
export const DEFAULT_CONTROL_NAME = 'control';

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
}

export interface ExperimentAssignment {
  variant: string;
  viewers: number;
  planned_share: number;
  observed_share: number;
}

/** One metric (and currency) of one variant against control; field names are the JSON/CSV columns. */
export interface ExperimentRow {
  metric: string;
  currency: string | null;
  variant: string;
  viewers: number;
  mean: number;
  control_mean: number;
  absolute_lift: number | null;
  absolute_ci_low: number | null;
  absolute_ci_high: number | null;
  relative_lift: number | null;
  relative_ci_low: number | null;
  relative_ci_high: number | null;
  /** The relative test's p-value: it belongs with relative_lift and its interval. */
  p_value: number | null;
  chance_to_win: number | null;
  /** Expected loss (relative) of choosing the control / the variant. */
  risk_control: number | null;
  risk_variant: number | null;
  /** The absolute test's p-value and chance to win, beside absolute_lift. */
  absolute_p_value: number | null;
  absolute_chance_to_win: number | null;
  cuped_absolute_lift: number | null;
  cuped_absolute_ci_low: number | null;
  cuped_absolute_ci_high: number | null;
  cuped_relative_lift: number | null;
  cuped_relative_ci_low: number | null;
  cuped_relative_ci_high: number | null;
  /** CUPED relative test, beside cuped_relative_lift. */
  cuped_p_value: number | null;
  cuped_chance_to_win: number | null;
  cuped_absolute_p_value: number | null;
  cuped_theta: number | null;
  /** Minimum detectable relative effect at 80% power for this sample, uncorrected α (docs/spec.md §4); null when μA = 0 or an arm has < 2 units. */
  mde_relative: number | null;
  /** The same with the CUPED-adjusted variance; null without CUPED. */
  cuped_mde_relative: number | null;
  note: string | null;
}

export interface ExperimentReport {
  experiment_id: string;
  control: string;
  method: Method;
  alpha: number;
  correction: Correction;
  cap_percentile: number;
  cuped_lookback_ms: number;
  exposed_viewers: number;
  excluded_viewers: number;
  assignments: ExperimentAssignment[];
  srm_p_value: number;
  srm_flagged: boolean;
  srm_threshold: number;
  rows: ExperimentRow[];
}

function num(row: Row, column: string): number {
  const v = row[column];
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`experiment query returned non-numeric ${column}: ${String(v)}`);
  return n;
}

function toSums(row: Row): VariantSums {
  return {
    n: num(row, 'n'),
    sum: num(row, 'sum'),
    sum_squares: num(row, 'sum_squares'),
    covariate_sum: num(row, 'covariate_sum'),
    covariate_sum_squares: num(row, 'covariate_sum_squares'),
    main_covariate_sum_product: num(row, 'main_covariate_sum_product'),
  };
}

/** Control first (as chosen), the others by name. */
export function orderVariants(variants: readonly string[], control?: string): string[] {
  const names = [...new Set(variants)].sort();
  const chosen = control ?? (names.includes(DEFAULT_CONTROL_NAME) ? DEFAULT_CONTROL_NAME : names[0]);
  if (chosen === undefined) return [];
  if (!names.includes(chosen)) {
    throw new Error(`control variant "${chosen}" was not seen in the experiment; seen: ${names.join(', ') || 'none'}`);
  }
  return [chosen, ...names.filter((n) => n !== chosen)];
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

/** MDE with the CUPED-adjusted variances, relative to the unadjusted control mean. */
function cupedMde(type: MetricType, a: VariantSums, b: VariantSums, theta: number, alpha: number): number | null {
  const ca = cupedArm(type, a, theta);
  return minimumDetectableEffect(ca, cupedArm(type, b, theta), alpha, DEFAULT_POWER, ca.unadjustedMean);
}

interface Family {
  relative: boolean;
  cuped: boolean;
}
const FAMILIES: readonly Family[] = [
  { relative: false, cuped: false },
  { relative: true, cuped: false },
  { relative: false, cuped: true },
  { relative: true, cuped: true },
];

/**
 * Runs the experiment queries and the statistics: assignment counts, SRM,
 * excluded viewers, and per metric × variant the unadjusted and CUPED
 * lifts. Corrections apply across all metrics and variants, separately for
 * each of the four families (absolute/relative × unadjusted/CUPED).
 */
export async function analyzeExperiment(engine: QueryEngine, experimentId: string, options: ExperimentOptions = {}): Promise<ExperimentReport> {
  if (experimentId.trim() === '') throw new Error('experiment id is empty: give the id the SDK sends in exposure events');
  // The id is spliced into a JSON path ($["id"]) as a bound string; a quote or backslash would change the path.
  if (/["\\]/.test(experimentId)) throw new Error(`experiment id ${JSON.stringify(experimentId)} is not allowed: it may not contain " or \\`);
  checkOptions(options);
  const method = options.method ?? 'frequentist';
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const correction = options.correction ?? 'none';
  const capPercentile = options.capPercentile ?? DEFAULT_CAP_PERCENTILE;
  const lookbackMs = options.lookbackMs ?? DEFAULT_CUPED_LOOKBACK_MS;
  const base = reportParameters(options);
  const { window_ms: _window, ...filters } = base;
  const params = { ...filters, experiment_id: experimentId };
  const [exclusions] = await engine.run('experiment_exclusions', params);
  const metricRows = await engine.run('experiment_metrics', {
    ...params,
    window_ms: base.window_ms,
    lookback_ms: lookbackMs,
    cap_percentile: capPercentile,
  });

  const seen = metricRows.filter((r) => r.metric === 'watch_minutes').map((r) => String(r.variant));
  const planned = Object.keys(options.weights ?? {});
  const variants = orderVariants([...seen, ...planned], options.control);
  const viewersOf = new Map(metricRows.filter((r) => r.metric === 'watch_minutes').map((r) => [String(r.variant), num(r, 'n')]));
  const counts = variants.map((v) => viewersOf.get(v) ?? 0);
  const weights = variants.map((v) => (options.weights ? options.weights[v] ?? 0 : 1));
  const totalViewers = counts.reduce((s, c) => s + c, 0);
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const srm = srmPValue(counts, weights);

  const analysis: Omit<AnalysisOptions, 'relative' | 'cuped' | 'metric'> = {
    method,
    alpha,
    correction,
    ...(options.prior ? { prior: options.prior } : {}),
    ...(options.sequentialTuningUnits ? { sequentialTuningUnits: options.sequentialTuningUnits } : {}),
  };
  const [control, ...treatments] = variants;
  type Slot = { metric: string; type: MetricType; currency: string | null; variant: string; a: VariantSums; b: VariantSums };
  const slots: Slot[] = [];
  if (control !== undefined) {
    for (const { metric, type } of EXPERIMENT_METRICS) {
      const rows = metricRows.filter((r) => r.metric === metric);
      const currencies = [...new Set(rows.map((r) => (r.currency === null ? null : String(r.currency))))];
      for (const currency of currencies) {
        const sumsOf = (variant: string): VariantSums => {
          const row = rows.find((r) => String(r.variant) === variant && (r.currency === null ? null : String(r.currency)) === currency);
          return row ? toSums(row) : { n: 0, sum: 0, sum_squares: 0, covariate_sum: 0, covariate_sum_squares: 0, main_covariate_sum_product: 0 };
        };
        for (const variant of treatments) slots.push({ metric, type, currency, variant, a: sumsOf(control), b: sumsOf(variant) });
      }
    }
  }
  // Each family is corrected as one set of comparisons across metrics and variants.
  const results: Comparison[][] = FAMILIES.map((f) =>
    correctComparisons(
      slots.map((s, i) => compareArms(s.a, s.b, { ...analysis, metric: s.type, relative: f.relative, cuped: f.cuped }, i)),
      { ...analysis, metric: 'mean', relative: f.relative },
    ),
  );
  const rows = slots.map((s, i): ExperimentRow => {
    const [abs, rel, cAbs, cRel] = results.map((family) => family[i] as Comparison) as [Comparison, Comparison, Comparison, Comparison];
    const cupedApplied = cAbs.cuped_theta !== null;
    return {
      metric: s.metric,
      currency: s.currency,
      variant: s.variant,
      viewers: s.b.n,
      mean: armMoments(s.type, s.b).mean,
      control_mean: armMoments(s.type, s.a).mean,
      absolute_lift: abs.expected,
      absolute_ci_low: abs.ci?.[0] ?? null,
      absolute_ci_high: abs.ci?.[1] ?? null,
      relative_lift: rel.expected,
      relative_ci_low: rel.ci?.[0] ?? null,
      relative_ci_high: rel.ci?.[1] ?? null,
      // Each p-value sits beside the interval of the same test, so the two never disagree.
      p_value: rel.p_value,
      chance_to_win: rel.chance_to_win,
      risk_control: rel.risk?.[0] ?? null,
      risk_variant: rel.risk?.[1] ?? null,
      absolute_p_value: abs.p_value,
      absolute_chance_to_win: abs.chance_to_win,
      cuped_absolute_lift: cupedApplied ? cAbs.expected : null,
      cuped_absolute_ci_low: cupedApplied ? cAbs.ci?.[0] ?? null : null,
      cuped_absolute_ci_high: cupedApplied ? cAbs.ci?.[1] ?? null : null,
      cuped_relative_lift: cupedApplied ? cRel.expected : null,
      cuped_relative_ci_low: cupedApplied ? cRel.ci?.[0] ?? null : null,
      cuped_relative_ci_high: cupedApplied ? cRel.ci?.[1] ?? null : null,
      cuped_p_value: cupedApplied ? cRel.p_value : null,
      cuped_chance_to_win: cupedApplied ? cRel.chance_to_win : null,
      cuped_absolute_p_value: cupedApplied ? cAbs.p_value : null,
      cuped_theta: cAbs.cuped_theta,
      mde_relative: minimumDetectableEffect(armMoments(s.type, s.a), armMoments(s.type, s.b), alpha),
      cuped_mde_relative: cupedApplied ? cupedMde(s.type, s.a, s.b, cAbs.cuped_theta as number, alpha) : null,
      note: abs.error ?? rel.error ?? cAbs.error ?? cRel.error,
    };
  });

  return {
    experiment_id: experimentId,
    control: control ?? '',
    method,
    alpha,
    correction,
    cap_percentile: capPercentile,
    cuped_lookback_ms: lookbackMs,
    exposed_viewers: exclusions ? num(exclusions, 'exposed_viewers') : 0,
    excluded_viewers: exclusions ? num(exclusions, 'excluded_viewers') : 0,
    assignments: variants.map((variant, i) => ({
      variant,
      viewers: counts[i] as number,
      planned_share: totalWeight > 0 ? (weights[i] as number) / totalWeight : 0,
      observed_share: totalViewers > 0 ? (counts[i] as number) / totalViewers : 0,
    })),
    srm_p_value: srm,
    srm_flagged: isSampleRatioMismatch(srm),
    srm_threshold: SRM_P_VALUE_THRESHOLD,
    rows,
  };
}
