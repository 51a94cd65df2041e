/**
 * `livelens report conversion-over-time --by hour|day|total` (docs/spec.md
 * §4's conversion figures over every region, creator and show of a
 * retailer): per retailer and UTC hour or day (`period_start`, epoch ms),
 * or in total over the period (`period_start` null), viewers, clickers,
 * buyers, orders, units, revenue (one row per currency), watch minutes and
 * conversion with its 95% Wilson interval. The dashboard's Overview reads it.
 *
 * @example
 * livelens report conversion-over-time --by hour --from 2026-11-01 --to 2026-11-02 --format json
 */
import type { Command } from 'commander';
import { REPORTS } from '../../../pipeline/reports/index.ts';
import { addReportOptions, printReport } from './options.ts';
import type { ReportFlags } from './options.ts';

export function register(group: Command): void {
  const cmd = group.command('conversion-over-time').description(`conversion over time: ${REPORTS['conversion-over-time'].description}`);
  addReportOptions(cmd, 'conversion-over-time').action(async (flags: ReportFlags) => {
    await printReport('conversion-over-time', flags);
  });
}
