/**
 * `livelens report qoe-impact --by rebuffer|latency|startup [--region R]`
 * (docs/spec.md §§4b and 5): viewers (viewer-show pairs), buyers,
 * conversion_rate (with its 95% Wilson interval), revenue and
 * revenue_per_viewer per QoE bucket, and revenue_at_risk beside the buckets,
 * with its formula stated (after the table; `revenue_at_risk_formula` in JSON).
 *
 * @example
 * livelens report qoe-impact --by rebuffer --region US --format json
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { REPORTS, formatReport, reportFormat, runReport } from '../../../pipeline/reports/index.ts';
import { addReportOptions, reportOptionsFromFlags } from './options.ts';
import type { ReportFlags } from './options.ts';

/** How revenue_at_risk is computed, printed beside it (docs/spec.md §4b: "with the formula stated"). */
export const REVENUE_AT_RISK_FORMULA =
  'revenue_at_risk = viewers in buckets worse than the best (none, <2s, <1s) × (conversion of the best bucket − their conversion) × average attributed order line revenue, per retailer, region and currency';

interface QoeImpactFlags extends ReportFlags {
  region?: string;
}

export function register(group: Command): void {
  const cmd = group
    .command('qoe-impact')
    .description(`does buffering cost sales: ${REPORTS['qoe-impact'].description}`)
    .addOption(new Option('--by <dimension>', 'bucket pairs by').choices(Object.keys(REPORTS['qoe-impact'].groupings)).makeOptionMandatory())
    .option('--region <region>', 'only pairs of this region (default: every region, one set of rows per region)');
  addReportOptions(cmd).action(async (flags: QoeImpactFlags) => {
    try {
      const format = reportFormat(flags.format);
      const result = await runReport('qoe-impact', { ...reportOptionsFromFlags(flags), extraParams: { region: flags.region ?? '' } });
      const text = formatReport(result, format);
      if (format === 'json') {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        process.stdout.write(`${JSON.stringify({ ...parsed, revenue_at_risk_formula: REVENUE_AT_RISK_FORMULA })}\n`);
      } else if (format === 'table') {
        process.stdout.write(`${text}\n${REVENUE_AT_RISK_FORMULA}\n`);
      } else {
        process.stdout.write(text);
      }
    } catch (err) {
      process.stderr.write(`livelens report qoe-impact: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });
}
