/**
 * From per-variant sufficient statistics to the experiment report's rows:
 * one row per metric (and currency) and treatment variant, each compared
 * with control four ways (absolute/relative × unadjusted/CUPED), with the
 * minimum detectable effect. Corrections (Holm/BH) run across the primary
 * metrics only; guardrail rows are compared uncorrected and carry
 * `guardrail: true` (docs/spec.md §4).
 *
 * @example
 * const slots = slotsFrom(metricRows, ['control', 'treatment'], EXPERIMENT_METRICS, false);
 * const rows = experimentRows(slots, { method: 'frequentist', alpha: 0.05, correction: 'holm' });
 */
import type { Row } from '../engine/engine.ts';
import { compareArms, correctComparisons, type AnalysisOptions, type Comparison } from '../../stats/analyze.ts';
import { cupedArm } from '../../stats/cuped.ts';
import { DEFAULT_POWER, minimumDetectableEffect } from '../../stats/power.ts';
import { armMoments, type MetricType, type VariantSums } from '../../stats/sufficient.ts';

/** One metric (and currency) of one variant against control; field names are the JSON/CSV columns. */
export interface ExperimentRow {
  metric: string;
  currency: string | null;
  variant: string;
  /** Viewers in the variant (show-level: of its shows; a viewer of several shows counts in each). */
  viewers: number;
  /** Shows in the variant (show-level experiments; null for viewer-level). */
  shows: number | null;
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
  /** A guardrail metric: reported apart and left out of the correction. */
  guardrail: boolean;
  note: string | null;
}

/** A metric × variant comparison to make: the control's and the variant's sums. */
export interface Slot {
  metric: string;
  type: MetricType;
  currency: string | null;
  variant: string;
  guardrail: boolean;
  a: VariantSums;
  b: VariantSums;
  /** Viewers and shows of the variant, when they are not `b.n`. */
  viewers?: number;
  shows?: number | null;
}

/** The analysis settings every comparison shares. */
export type RowAnalysis = Omit<AnalysisOptions, 'relative' | 'cuped' | 'metric'>;

function num(row: Row, column: string): number {
  const v = row[column];
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`experiment query returned non-numeric ${column}: ${String(v)}`);
  return n;
}

/** A number column of a query row (null and absent read as 0). */
export const numberColumn = num;

const EMPTY: VariantSums = { n: 0, sum: 0, sum_squares: 0 };

/** Sums of one query row: covariate sums for mean/proportion metrics, denominator sums for ratios. */
export function sumsOfRow(row: Row | undefined, type: MetricType): VariantSums {
  if (row === undefined) {
    return type === 'ratio'
      ? { ...EMPTY, denominator_sum: 0, denominator_sum_squares: 0, main_denominator_sum_product: 0 }
      : { ...EMPTY, covariate_sum: 0, covariate_sum_squares: 0, main_covariate_sum_product: 0 };
  }
  const base = { n: num(row, 'n'), sum: num(row, 'sum'), sum_squares: num(row, 'sum_squares') };
  if (type === 'ratio') {
    return {
      ...base,
      denominator_sum: num(row, 'denominator_sum'),
      denominator_sum_squares: num(row, 'denominator_sum_squares'),
      main_denominator_sum_product: num(row, 'main_denominator_sum_product'),
    };
  }
  return {
    ...base,
    covariate_sum: num(row, 'covariate_sum'),
    covariate_sum_squares: num(row, 'covariate_sum_squares'),
    main_covariate_sum_product: num(row, 'main_covariate_sum_product'),
  };
}

const currencyOf = (r: Row): string | null => (r.currency === null || r.currency === undefined ? null : String(r.currency));

/**
 * Slots for the given metrics, in their order, one per currency found and
 * treatment variant (`variants[0]` is the control).
 */
export function slotsFrom(
  metricRows: readonly Row[],
  variants: readonly string[],
  metrics: ReadonlyArray<{ metric: string; type: MetricType }>,
  guardrail: boolean,
): Slot[] {
  const [control, ...treatments] = variants;
  if (control === undefined) return [];
  const slots: Slot[] = [];
  for (const { metric, type } of metrics) {
    const rows = metricRows.filter((r) => r.metric === metric);
    for (const currency of [...new Set(rows.map(currencyOf))]) {
      const of = (variant: string) => sumsOfRow(rows.find((r) => String(r.variant) === variant && currencyOf(r) === currency), type);
      for (const variant of treatments) slots.push({ metric, type, currency, variant, guardrail, a: of(control), b: of(variant) });
    }
  }
  return slots;
}

/** MDE with the CUPED-adjusted variances, relative to the unadjusted control mean. */
function cupedMde(type: MetricType, a: VariantSums, b: VariantSums, theta: number, alpha: number): number | null {
  const ca = cupedArm(type, a, theta);
  return minimumDetectableEffect(ca, cupedArm(type, b, theta), alpha, DEFAULT_POWER, ca.unadjustedMean);
}

const FAMILIES: ReadonlyArray<{ relative: boolean; cuped: boolean }> = [
  { relative: false, cuped: false },
  { relative: true, cuped: false },
  { relative: false, cuped: true },
  { relative: true, cuped: true },
];

/** The four families' comparisons of a set of slots, corrected together within each family when `corrected`. */
function compareFamilies(slots: readonly Slot[], analysis: RowAnalysis, corrected: boolean): Comparison[][] {
  const options = corrected ? analysis : { ...analysis, correction: 'none' as const };
  return FAMILIES.map((f) =>
    correctComparisons(
      slots.map((s, i) => compareArms(s.a, s.b, { ...options, metric: s.type, relative: f.relative, cuped: f.cuped }, i)),
      { ...options, metric: 'mean', relative: f.relative },
    ),
  );
}

function rowOf(s: Slot, [abs, rel, cAbs, cRel]: [Comparison, Comparison, Comparison, Comparison], alpha: number): ExperimentRow {
  const cuped = cAbs.cuped_theta !== null;
  return {
    metric: s.metric,
    currency: s.currency,
    variant: s.variant,
    viewers: s.viewers ?? s.b.n,
    shows: s.shows ?? null,
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
    cuped_absolute_lift: cuped ? cAbs.expected : null,
    cuped_absolute_ci_low: cuped ? cAbs.ci?.[0] ?? null : null,
    cuped_absolute_ci_high: cuped ? cAbs.ci?.[1] ?? null : null,
    cuped_relative_lift: cuped ? cRel.expected : null,
    cuped_relative_ci_low: cuped ? cRel.ci?.[0] ?? null : null,
    cuped_relative_ci_high: cuped ? cRel.ci?.[1] ?? null : null,
    cuped_p_value: cuped ? cRel.p_value : null,
    cuped_chance_to_win: cuped ? cRel.chance_to_win : null,
    cuped_absolute_p_value: cuped ? cAbs.p_value : null,
    cuped_theta: cAbs.cuped_theta,
    mde_relative: minimumDetectableEffect(armMoments(s.type, s.a), armMoments(s.type, s.b), alpha),
    cuped_mde_relative: cuped ? cupedMde(s.type, s.a, s.b, cAbs.cuped_theta as number, alpha) : null,
    guardrail: s.guardrail,
    note: abs.error ?? rel.error ?? cAbs.error ?? cRel.error,
  };
}

/**
 * Rows for the slots, primary metrics first, then guardrails. Each of the
 * four families of the primary metrics is corrected as one set across
 * metrics and variants; guardrails never enter the correction.
 */
export function experimentRows(slots: readonly Slot[], analysis: RowAnalysis): ExperimentRow[] {
  const rows: ExperimentRow[] = [];
  for (const guardrail of [false, true]) {
    const group = slots.filter((s) => s.guardrail === guardrail);
    const families = compareFamilies(group, analysis, !guardrail);
    group.forEach((s, i) => {
      rows.push(rowOf(s, families.map((f) => f[i] as Comparison) as [Comparison, Comparison, Comparison, Comparison], analysis.alpha));
    });
  }
  return rows;
}
