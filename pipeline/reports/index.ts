/**
 * Reports as a library (CLI, dashboard, demo).
 *
 * @example
 * import { runReport, formatReport } from '../pipeline/reports/index.ts';
 * const result = await runReport('qoe', { by: 'region', dataDir: './.livelens' });
 */
export { runReport } from './run-report.ts';
export type { ReportOptions, ReportResult } from './run-report.ts';
export { REPORTS, reportDefinition, reportGrouping, withConversionInterval } from './definitions.ts';
export type { Grouping, ReportDefinition, ReportName } from './definitions.ts';
export { formatReport, reportFormat, REPORT_FORMATS } from './format.ts';
export type { ReportFormat } from './format.ts';
export {
  DEFAULT_ATTRIBUTION_WINDOW_MS, MAX_ATTRIBUTION_WINDOW_MS, DEFAULT_FROM_MS, DEFAULT_TO_MS,
  parseDurationMs, parseTimeBound, reportParameters,
} from './report-parameters.ts';
export type { ReportFilters } from './report-parameters.ts';
export { wilsonInterval, WILSON_Z_95 } from './wilson.ts';
