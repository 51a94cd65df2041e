/**
 * Reports as a library (CLI, dashboard, demo). `runReportRequest` is the one
 * entry point that runs any report by name with checked parameters and
 * returns the CLI's output (the data API calls it).
 *
 * @example
 * import { runReportRequest } from '../pipeline/reports/index.ts';
 * const out = await runReportRequest('qoe', { by: 'region', from: '2026-11-01' }, { dataDir: './.livelens' });
 * out.json; out.render('csv');
 */
export {
  parseReportRequest, REPORT_CATALOG, REPORT_NAMES, REVENUE_AT_RISK_FORMULA, reportEntry, reportParameterSpecs, runReportRequest,
} from './catalog.ts';
export type { ReportEngineOptions, ReportOutput, ReportRequest } from './catalog.ts';
export {
  FILTER_PARAMETERS, ReportParameterError, UnknownReportError, WINDOW_PARAMETER,
} from './request.ts';
export type { ParameterSpec, RawParameters } from './request.ts';
export { runReport } from './run-report.ts';
export type { ReportOptions, ReportResult } from './run-report.ts';
export { REPORTS, reportDefinition, reportGrouping, withConversionInterval } from './definitions.ts';
export type { Grouping, ReportDefinition, ReportName } from './definitions.ts';
export { formatReport, reportFormat, reportJson, REPORT_FORMATS } from './format.ts';
export type { ReportFormat } from './format.ts';
export {
  DEFAULT_ATTRIBUTION_WINDOW_MS, MAX_ATTRIBUTION_WINDOW_MS, MAX_FILTER_VALUE_CHARS, DEFAULT_FROM_MS, DEFAULT_TO_MS,
  parseDurationMs, parseFilterValue, parseTimeBound, reportParameters,
} from './report-parameters.ts';
export type { BoundFilters, ReportFilters } from './report-parameters.ts';
export { wilsonInterval, WILSON_Z_95 } from '../../stats/wilson.ts';
