/**
 * Show-level experiments (docs/spec.md §4, `"unit": "show"`): the show is the
 * randomized unit, so every metric is a ratio over shows (buyers / viewers,
 * revenue / viewers per currency, watch minutes / viewers, clicks / viewers,
 * and the QoE guardrails) analysed by the delta method with n = shows. No
 * CUPED (its fields are null); the sample-ratio test counts shows.
 *
 * @example
 * const report = await analyzeShowExperiment(engine, params, plan, analysis, header);
 * report.exposed_shows; report.rows[0].shows;
 */
import type { QueryEngine, Row } from '../engine/engine.ts';
import { isSampleRatioMismatch, SRM_P_VALUE_THRESHOLD } from '../../stats/srm.ts';
import type { ExperimentReport } from './experiment.ts';
import { sampleRatio, variantsInOrder, type ExperimentPlan } from './experiment-plan.ts';
import { experimentRows, numberColumn, slotsFrom, type RowAnalysis, type Slot } from './experiment-rows.ts';

/** The metric whose rows count every analysed show once per variant. */
const COUNTING_METRIC = 'watch_minutes';

type ReportHeader = Omit<ExperimentReport, 'control' | 'exposed_viewers' | 'excluded_viewers' | 'unlisted_viewers' | 'assignments' | 'srm_p_value' | 'srm_flagged' | 'srm_threshold' | 'rows'>;

const currencyOf = (r: Row): string | null => (r.currency === null || r.currency === undefined ? null : String(r.currency));

/** Runs the per-show queries and the ratio statistics; `params` are the report's bound parameters. */
export async function analyzeShowExperiment(
  engine: QueryEngine,
  params: Record<string, string | number>,
  plan: ExperimentPlan,
  analysis: RowAnalysis,
  header: ReportHeader,
): Promise<ExperimentReport> {
  const [[exclusions], metricRows] = await Promise.all([
    engine.run('experiment_show_exclusions', params),
    engine.run('experiment_show_metrics', params),
  ]);
  const counting = metricRows.filter((r) => r.metric === COUNTING_METRIC);
  const variants = variantsInOrder(counting.map((r) => String(r.variant)), plan);
  const showsOf = new Map(counting.map((r) => [String(r.variant), numberColumn(r, 'n')]));
  const viewersOf = new Map(counting.map((r) => [String(r.variant), numberColumn(r, 'viewers')]));
  const ratio = sampleRatio(variants, variants.map((v) => showsOf.get(v) ?? 0), plan.weights);

  const ratios = (names: readonly string[]) => names.map((metric) => ({ metric, type: 'ratio' as const }));
  const slots: Slot[] = [
    ...slotsFrom(metricRows, variants, ratios(plan.metrics), false),
    ...slotsFrom(metricRows, variants, ratios(plan.guardrails), true),
  ].map((s) => {
    const row = metricRows.find((r) => r.metric === s.metric && String(r.variant) === s.variant && currencyOf(r) === s.currency);
    return { ...s, viewers: row ? numberColumn(row, 'viewers') : 0, shows: s.b.n };
  });

  return {
    ...header,
    control: variants[0] ?? '',
    exposed_viewers: null,
    excluded_viewers: null,
    unlisted_viewers: null,
    exposed_shows: exclusions ? numberColumn(exclusions, 'exposed_shows') : 0,
    excluded_shows: exclusions ? numberColumn(exclusions, 'excluded_shows') : 0,
    unlisted_shows: exclusions ? numberColumn(exclusions, 'unlisted_shows') : 0,
    assignments: ratio.assignments.map((a) => ({
      variant: a.variant, viewers: viewersOf.get(a.variant) ?? 0, shows: a.count, planned_share: a.planned_share, observed_share: a.observed_share,
    })),
    srm_p_value: ratio.p_value,
    srm_flagged: isSampleRatioMismatch(ratio.p_value),
    srm_threshold: SRM_P_VALUE_THRESHOLD,
    rows: experimentRows(slots, analysis),
  };
}
