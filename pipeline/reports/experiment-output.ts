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

const TEXT_COLUMNS = new Set(['metric', 'currency', 'variant', 'note']);

function columnsOf(names: readonly string[]): ColumnInfo[] {
  return names.map((name) => ({ name, type: (TEXT_COLUMNS.has(name) ? 'VARCHAR' : name === 'viewers' ? 'BIGINT' : 'DOUBLE') as ColumnType }));
}

/** Columns of the table format; the Bayesian table shows chance to win where the others show p. */
function tableColumns(report: ExperimentReport): string[] {
  const verdict = report.method === 'bayesian' ? ['chance_to_win', 'cuped_chance_to_win'] : ['p_value', 'cuped_p_value'];
  return [
    'metric', 'currency', 'variant', 'viewers', 'control_mean', 'mean',
    'relative_lift', 'relative_ci_low', 'relative_ci_high', verdict[0]!, 'mde_relative',
    'cuped_relative_lift', 'cuped_relative_ci_low', 'cuped_relative_ci_high', verdict[1]!, 'note',
  ];
}

function asRow(r: ExperimentRow): Row {
  return { ...r };
}

function summary(report: ExperimentReport): string {
  const share = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `experiment ${report.experiment_id}: control ${report.control}, method ${report.method}, alpha ${report.alpha}, correction ${report.correction}` +
      (report.cap_percentile < 1 ? `, revenue capped at p${100 * report.cap_percentile}` : ''),
    report.exposed_viewers === 0
      ? `no viewer was exposed to experiment ${report.experiment_id} in the period`
      : `viewers exposed ${report.exposed_viewers}, excluded for seeing several variants ${report.excluded_viewers}`,
    ...report.assignments.map((a) => `  ${a.variant}: ${a.viewers} viewers (${share(a.observed_share)}; planned ${share(a.planned_share)})`),
    `sample ratio: p = ${report.srm_p_value.toPrecision(4)}` +
      (report.srm_flagged ? ` < ${report.srm_threshold}: SAMPLE RATIO MISMATCH, do not trust the results below` : ' (no mismatch)'),
    `lifts are relative to control; intervals at the (corrected) level; CUPED covariate: the ${report.cuped_lookback_ms / 86_400_000} days before exposure`,
    '',
  ];
  return lines.join('\n');
}

export function formatExperimentReport(report: ExperimentReport, format: ReportFormat): string {
  const { rows, ...rest } = report;
  if (format === 'json') return `${JSON.stringify({ rows, ...rest })}\n`;
  const names = format === 'csv' ? (Object.keys(rows[0] ?? {}) as string[]) : tableColumns(report);
  const table = formatReport(
    { report: 'experiment', by: '', query: 'experiment_metrics', engine: 'duckdb', params: {}, columns: columnsOf(names), rows: rows.map(asRow) },
    format,
  );
  return format === 'csv' ? table : summary(report) + table;
}
