/**
 * `livelens report conversion --by creator|show|offer|region` (docs/spec.md
 * §§4 and 5): viewers, clickers, buyers, orders, units, revenue,
 * currency, conversion_rate (with its 95% Wilson interval) and
 * revenue_per_viewer, one row per group and currency.
 *
 * @example
 * livelens report conversion --by offer --retailer acme --window 48h --format csv
 */
import type { Command } from 'commander';
import { REPORTS } from '../../../pipeline/reports/index.ts';
import { addReportOptions, printReport } from './options.ts';
import type { ReportFlags } from './options.ts';

export function register(group: Command): void {
  const cmd = group.command('conversion').description(`conversion per group: ${REPORTS.conversion.description}`);
  addReportOptions(cmd, 'conversion').action(async (flags: ReportFlags) => {
    await printReport('conversion', flags);
  });
}
