/**
 * Prints an experiment report: `json` (docs/spec.md §5: `{"rows": [...]}`
 * plus the experiment's assignment counts, SRM and exclusions), `csv`
 * (every row column) or a `table` for people: a summary of assignment and
 * SRM, then per metric the relative lift with its interval and p-value
 * (Bayesian: chance to win), CUPED beside unadjusted.
 *
 * @example
 * process.stdout.write(formatExperimentReport(report, 'table'));
 */
import type { ColumnInfo, ColumnType, Row } from '../engine/engine.ts';
import type { ExperimentReport, ExperimentRow } from './experiment.ts';
import { formatReport, type ReportFormat } from './format.ts';

const TEXT_COLUMNS = new Set(['retailer_id', 'metric', 'currency', 'variant', 'note']);
const INTEGER_COLUMNS = new Set(['viewers', 'shows']);
const BOOLEAN_COLUMNS = new Set(['guardrail']);

function columnsOf(names: readonly string[]): ColumnInfo[] {
  const typeOf = (name: string): ColumnType => (TEXT_COLUMNS.has(name) ? 'VARCHAR' : INTEGER_COLUMNS.has(name) ? 'BIGINT' : BOOLEAN_COLUMNS.has(name) ? 'BOOLEAN' : 'DOUBLE');
  return names.map((name) => ({ name, type: typeOf(name) }));
}

/** Columns of the table format; the Bayesian table shows chance to win where the others show p. */
function tableColumns(report: ExperimentReport): string[] {
  const verdict = report.method === 'bayesian' ? ['chance_to_win', 'cuped_chance_to_win'] : ['p_value', 'cuped_p_value'];
  const showLevel = report.unit === 'show';
  return [
    ...(report.retailer_id === undefined ? [] : ['retailer_id']),
    'metric', 'currency', 'variant', ...(showLevel ? ['shows'] : []), 'viewers', 'control_mean', 'mean',
    'relative_lift', 'relative_ci_low', 'relative_ci_high', verdict[0]!, 'mde_relative',
    // A show-level experiment has no CUPED: its columns would only be empty.
    ...(showLevel ? [] : ['cuped_relative_lift', 'cuped_relative_ci_low', 'cuped_relative_ci_high', verdict[1]!]), 'note',
  ];
}

function asRow(r: ExperimentRow): Row {
  return { ...r };
}

/** The assignment and exclusion lines: viewers, or shows for a show-level experiment. */
function population(report: ExperimentReport): string[] {
  const share = (x: number) => `${(100 * x).toFixed(1)}%`;
  const showLevel = report.unit === 'show';
  const unit = showLevel ? 'shows' : 'viewers';
  const exposed = showLevel ? report.exposed_shows ?? 0 : report.exposed_viewers ?? 0;
  const excluded = showLevel ? report.excluded_shows ?? 0 : report.excluded_viewers ?? 0;
  const unlisted = showLevel ? report.unlisted_shows ?? 0 : report.unlisted_viewers ?? 0;
  const reason = showLevel ? 'whose events disagree on the variant' : 'for seeing several variants';
  return [
    exposed === 0
      ? `no ${showLevel ? 'show' : 'viewer'} was exposed to experiment ${report.experiment_id} in the period`
      : `${unit} exposed ${exposed}, excluded ${reason} ${excluded}` + (unlisted > 0 ? `, excluded for an unlisted variant ${unlisted}` : ''),
    ...report.assignments.map((a) =>
      showLevel
        ? `  ${a.variant}: ${a.shows ?? 0} shows, ${a.viewers} viewers (${share(a.observed_share)} of shows; planned ${share(a.planned_share)})`
        : `  ${a.variant}: ${a.viewers} viewers (${share(a.observed_share)}; planned ${share(a.planned_share)})`,
    ),
  ];
}

function summary(report: ExperimentReport): string {
  const showLevel = report.unit === 'show';
  const lines = [
    `experiment ${report.experiment_id}${report.name ? ` (${report.name})` : ''}${report.retailer_id === undefined ? '' : ` of retailer ${report.retailer_id}`}: unit ${report.unit}, control ${report.control}, method ${report.method}, alpha ${report.alpha}, correction ${report.correction}` +
      (report.cap_percentile < 1 && !showLevel ? `, revenue capped at p${100 * report.cap_percentile}` : ''),
    ...(report.hypothesis ? [`hypothesis: ${report.hypothesis}`] : []),
    ...population(report),
    `sample ratio${report.retailer_id === undefined ? '' : ` of retailer ${report.retailer_id}`}${showLevel ? ' (shows)' : ''}: p = ${report.srm_p_value.toPrecision(4)}` +
      (report.srm_flagged ? ` < ${report.srm_threshold}: SAMPLE RATIO MISMATCH, do not trust the results below` : ' (no mismatch)'),
    showLevel
      ? 'lifts are relative to control; ratios over shows by the delta method (n = shows), no CUPED; mde_relative: smallest lift detectable at 80% power'
      : `lifts are relative to control; intervals at the (corrected) level; CUPED covariate: the ${report.cuped_lookback_ms / 86_400_000} days before exposure; mde_relative: smallest lift detectable at 80% power`,
    '',
  ];
  return lines.join('\n');
}

function table(rows: readonly ExperimentRow[], format: 'table' | 'csv', names: string[]): string {
  return formatReport(
    { report: 'experiment', by: '', query: 'experiment_metrics', engine: 'duckdb', params: {}, columns: columnsOf(names), rows: rows.map(asRow) },
    format,
  );
}

export function formatExperimentReport(report: ExperimentReport, format: ReportFormat): string {
  const { rows, ...rest } = report;
  if (format === 'json') return `${JSON.stringify({ rows, ...rest })}\n`;
  if (format === 'csv') return table(rows, 'csv', Object.keys(rows[0] ?? {}));
  const names = tableColumns(report);
  const primary = rows.filter((r) => !r.guardrail);
  const guardrails = rows.filter((r) => r.guardrail);
  const guardrailPart = guardrails.length === 0
    ? ''
    : `\nguardrails (not in the correction: a guardrail is watched, not tested for a win)\n${table(guardrails, 'table', names)}`;
  return summary(report) + table(primary, 'table', names) + guardrailPart;
}
