/**
 * The seam between the data API and the report layer: the report layer's
 * one entry point, `runReportRequest`, which checks the parameters and runs
 * any report by name, returning the CLI's `--format json` document, its
 * rows and columns, and the CLI's text formats. The API calls exactly this,
 * so its JSON and CSV equal the CLI's.
 *
 * @example
 * const out = await runReportRequest('conversion', { by: 'creator' }, { queryEngine });
 * out.json.rows; out.render('csv');
 */
export { ReportParameterError, runReportRequest, UnknownReportError } from '../../pipeline/reports/index.ts';
export type { RawParameters, ReportOutput } from '../../pipeline/reports/index.ts';
