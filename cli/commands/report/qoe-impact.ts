/**
 * `livelens report qoe-impact --by rebuffer|latency|startup [--region R]`
 * (docs/spec.md §§4b and 5): viewers (viewer-show pairs), buyers,
 * conversion_rate (with its 95% Wilson interval), revenue and
 * revenue_per_viewer per QoE bucket, and revenue_at_risk beside the buckets,
 * with its formula stated (after the table; `revenue_at_risk_formula` in JSON).
 * `--region` keeps the pairs of that region (the region of the pair's first
 * playback event).
 *
 * @example
 * livelens report qoe-impact --by rebuffer --region US --format json
 */
import type { Command } from 'commander';
import { REPORTS } from '../../../pipeline/reports/index.ts';
import { addReportOptions, printReport } from './options.ts';
import type { ReportFlags } from './options.ts';

export function register(group: Command): void {
  const cmd = group.command('qoe-impact').description(`does buffering cost sales: ${REPORTS['qoe-impact'].description}`);
  addReportOptions(cmd, 'qoe-impact').action(async (flags: ReportFlags) => {
    await printReport('qoe-impact', flags);
  });
}
