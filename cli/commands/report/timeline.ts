/**
 * `livelens report timeline --show ID` (docs/spec.md §§4b and 5): per minute
 * of the show (minute = epoch ms of its start), concurrent_viewers,
 * chat_messages, product_impressions, clicks, attributed revenue by the
 * click's minute (one row per currency) and product_cues, the products first
 * shown that minute.
 *
 * @example
 * livelens report timeline --show show-42 --format csv
 */
import type { Command } from 'commander';
import { REPORTS } from '../../../pipeline/reports/index.ts';
import { addReportOptions, printReport } from './options.ts';
import type { ReportFlags } from './options.ts';

export function register(group: Command): void {
  const cmd = group.command('timeline').description(`which moment of a show sold: ${REPORTS.timeline.description}`);
  addReportOptions(cmd, 'timeline').action(async (flags: ReportFlags) => {
    await printReport('timeline', flags);
  });
}
