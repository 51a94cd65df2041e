/**
 * Renders a report for people and programs: `json` (docs/spec.md §5:
 * `{"rows": [...], ...}`), `csv` (RFC 4180, header row) or an aligned text
 * `table`.
 *
 * @example
 * process.stdout.write(formatReport(result, 'csv'));
 */
import type { Row, SqlValue } from '../engine/engine.ts';
import type { ReportResult } from './run-report.ts';

export const REPORT_FORMATS = ['table', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Checks a `--format` value. */
export function reportFormat(value: string | undefined): ReportFormat {
  const format = value ?? 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`format "${format}" is not known: use ${REPORT_FORMATS.join(', ')}`);
  }
  return format as ReportFormat;
}

function csvCell(value: SqlValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rounds long fractions for reading; JSON and CSV keep full precision. */
function tableCell(value: SqlValue): string {
  if (value === null) return '';
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Number(value.toFixed(4)));
  return String(value);
}

/** The `--format json` document of a report (docs/spec.md §5: `{"rows": [...], ...}`). */
export function reportJson(result: ReportResult): { rows: Row[]; params: Record<string, SqlValue> } & Record<string, unknown> {
  const { rows, report, by, query, engine, params, columns } = result;
  return { rows, report, by, query, engine, params, columns };
}

/** The report in a format; see the module example. */
export function formatReport(result: ReportResult, format: ReportFormat): string {
  const names = result.columns.map((c) => c.name);
  if (format === 'json') return `${JSON.stringify(reportJson(result))}\n`;
  if (format === 'csv') {
    const lines = [names.map(csvCell), ...result.rows.map((r) => names.map((n) => csvCell(r[n] ?? null)))];
    return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
  }
  const cells = [names, ...result.rows.map((r) => names.map((n) => tableCell(r[n] ?? null)))];
  const widths = names.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const numeric = result.columns.map((c) => c.type === 'BIGINT' || c.type === 'INTEGER' || c.type === 'DOUBLE');
  const line = (row: string[]) => row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = result.rows.length > 0 ? cells.slice(1).map(line) : ['(no rows)'];
  return [line(names), rule, ...body].join('\n') + '\n';
}
