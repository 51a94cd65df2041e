/**
 * The cumulative lift by day of first exposure (what GrowthBook's results
 * page draws): for each UTC day (or hour) since the experiment's first
 * exposure, each metric's relative lift and interval over every viewer
 * first exposed up to the end of that day, each viewer measured as in the
 * experiment report (from exposure up to the end of the period). The
 * sufficient statistics come per day of first exposure from
 * queries/experiment_cumulative_metrics.sql and are summed day by day; the
 * statistics are the experiment report's own (experiment-rows.ts), with the
 * same method, α and correction, so the last day's point is the report's
 * lift. Per retailer, like the report; viewer-level experiments only (a
 * show-level one answers no rows and says so).
 *
 * @example
 * const { rows } = await cumulativeLift(engine, 'checkout-button', { bucketMs: 86_400_000 });
 * rows[0]; // { retailer_id, period_start, exposed_before_ms, metric, currency, variant, viewers, control_viewers, relative_lift, relative_ci_low, ... }
 */
import { withMaterialized, type ColumnInfo, type ColumnType, type QueryEngine, type Row } from '../engine/engine.ts';
import { metricType } from './experiment-definitions.ts';
import { variantsInOrder } from './experiment-plan.ts';
import { experimentRows, numberColumn, slotsFrom, type ExperimentRow } from './experiment-rows.ts';
import { experimentSetup, type ExperimentOptions, type ExperimentSetup } from './experiment.ts';

/** The sums a cohort row carries (experiment_cumulative_metrics.sql), added day by day. */
const SUM_COLUMNS = ['n', 'sum', 'sum_squares', 'covariate_sum', 'covariate_sum_squares', 'main_covariate_sum_product'] as const;

/** Most periods one answer holds (a year of days, or 60 days of hours): beyond, a coarser `by` is needed. */
export const MAX_CUMULATIVE_PERIODS = 1_500;

export interface CumulativeOptions extends ExperimentOptions {
  /** Length of a period of first exposure (ms): a day or an hour. */
  bucketMs: number;
}

/** One point: a metric's lift of one variant over every viewer first exposed before `exposed_before_ms`. */
export interface CumulativeRow {
  retailer_id: string;
  /** Start (epoch ms, UTC) of the period of first exposure this point adds. */
  period_start: number;
  /** The point covers viewers first exposed before this time (the period's end). */
  exposed_before_ms: number;
  metric: string;
  currency: string | null;
  variant: string;
  viewers: number;
  control_viewers: number;
  mean: number;
  control_mean: number;
  relative_lift: number | null;
  relative_ci_low: number | null;
  relative_ci_high: number | null;
  p_value: number | null;
  chance_to_win: number | null;
  cuped_relative_lift: number | null;
  cuped_relative_ci_low: number | null;
  cuped_relative_ci_high: number | null;
}

/** The columns of a point, in CSV order (counts BIGINT, other numbers DOUBLE). */
export const CUMULATIVE_COLUMNS: ColumnInfo[] = ([
  ['retailer_id', 'VARCHAR'], ['period_start', 'BIGINT'], ['exposed_before_ms', 'BIGINT'], ['metric', 'VARCHAR'], ['currency', 'VARCHAR'],
  ['variant', 'VARCHAR'], ['viewers', 'BIGINT'], ['control_viewers', 'BIGINT'], ['mean', 'DOUBLE'], ['control_mean', 'DOUBLE'],
  ['relative_lift', 'DOUBLE'], ['relative_ci_low', 'DOUBLE'], ['relative_ci_high', 'DOUBLE'], ['p_value', 'DOUBLE'], ['chance_to_win', 'DOUBLE'],
  ['cuped_relative_lift', 'DOUBLE'], ['cuped_relative_ci_low', 'DOUBLE'], ['cuped_relative_ci_high', 'DOUBLE'],
] as Array<[string, ColumnType]>).map(([name, type]) => ({ name, type }));

export interface CumulativeResult {
  header: ReturnType<typeof experimentSetup>['header'] & { control: string | null; note: string | null };
  rows: CumulativeRow[];
}

const keyOf = (r: Row) => `${String(r.metric)}\u0000${r.currency === null || r.currency === undefined ? '' : String(r.currency)}\u0000${String(r.variant)}`;

/** The points of one retailer from its cohort rows. */
function retailerPoints(setup: ExperimentSetup, retailerId: string, cohorts: Row[], bucketMs: number): { control: string | null; rows: CumulativeRow[] } {
  const { plan, analysis } = setup;
  const variants = variantsInOrder([...new Set(cohorts.filter((r) => r.metric === 'watch_minutes').map((r) => String(r.variant)))], plan);
  const periods = [...new Set(cohorts.map((r) => numberColumn(r, 'cohort_start')))].sort((a, b) => a - b);
  if (periods.length > MAX_CUMULATIVE_PERIODS) {
    throw new Error(`the experiment's exposures span ${periods.length} periods, over the ${MAX_CUMULATIVE_PERIODS} one answer holds: use a longer period (by=day) or a shorter range`);
  }
  const running = new Map<string, Row>();
  const typed = plan.metrics.map((metric) => ({ metric, type: metricType(metric) }));
  const out: CumulativeRow[] = [];
  for (const start of periods) {
    for (const r of cohorts.filter((c) => numberColumn(c, 'cohort_start') === start)) {
      const key = keyOf(r);
      const before = running.get(key);
      const sums = Object.fromEntries(SUM_COLUMNS.map((c) => [c, numberColumn(r, c) + (before ? numberColumn(before, c) : 0)]));
      running.set(key, { metric: r.metric ?? null, currency: r.currency ?? null, variant: r.variant ?? null, ...sums });
    }
    const rows: ExperimentRow[] = experimentRows(slotsFrom([...running.values()], variants, typed, false), analysis);
    const controlViewers = numberColumn([...running.values()].find((r) => r.metric === 'watch_minutes' && r.variant === variants[0]) ?? {}, 'n');
    for (const r of rows) {
      out.push({
        retailer_id: retailerId, period_start: start, exposed_before_ms: start + bucketMs,
        metric: r.metric, currency: r.currency, variant: r.variant, viewers: r.viewers, control_viewers: controlViewers,
        mean: r.mean, control_mean: r.control_mean,
        relative_lift: r.relative_lift, relative_ci_low: r.relative_ci_low, relative_ci_high: r.relative_ci_high,
        p_value: r.p_value, chance_to_win: r.chance_to_win,
        cuped_relative_lift: r.cuped_relative_lift, cuped_relative_ci_low: r.cuped_relative_ci_low, cuped_relative_ci_high: r.cuped_relative_ci_high,
      });
    }
  }
  return { control: variants[0] ?? null, rows: out };
}

/** The cumulative lift of experiment `experimentId`, per retailer (only `options.retailer` when given). */
export async function cumulativeLift(engine: QueryEngine, experimentId: string, options: CumulativeOptions): Promise<CumulativeResult> {
  const setup = experimentSetup(experimentId, options);
  const { plan, header, params, base, lookbackMs, capPercentile } = setup;
  if (plan.unit === 'show') {
    return { header: { ...header, control: null, note: 'a show-level experiment has no cumulative lift by day of first exposure: its unit is the show' }, rows: [] };
  }
  const bound = { ...params, by_retailer: 1, window_ms: base.window_ms, lookback_ms: lookbackMs, cap_percentile: capPercentile, qoe_sessions: 0, bucket_ms: options.bucketMs };
  // One run for every retailer (each apart: retailer_id on every cohort row), the assignments computed once.
  const [retailerRows, cohorts] = await withMaterialized(engine, ['experiment_assignments'], bound, (e) => Promise.all([
    options.retailer !== undefined ? Promise.resolve([{ retailer_id: options.retailer }]) : e.run('experiment_retailers', bound),
    e.run('experiment_cumulative_metrics', bound),
  ]));
  const parts = retailerRows.map((r) => String(r.retailer_id)).map((id) => retailerPoints(setup, id, cohorts.filter((c) => String(c.retailer_id) === id), options.bucketMs));
  const controls = [...new Set(parts.map((p) => p.control))];
  return { header: { ...header, control: controls.length === 1 ? controls[0]! : null, note: null }, rows: parts.flatMap((p) => p.rows) };
}
