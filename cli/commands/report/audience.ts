/**
 * `livelens report audience --by creator|show` (docs/spec.md §§4b and 5):
 * viewers, returning_viewers, returning_share and the conversion of
 * returning and new viewers (conversion_rate_returning, conversion_rate_new,
 * each with its 95% Wilson interval). By creator, returning means two or
 * more distinct shows of the creator; by show, having watched the creator
 * before this show.
 *
 * @example
 * livelens report audience --by creator --format json
 */
import type { Command } from 'commander';
import { REPORTS } from '../../../pipeline/reports/index.ts';
import { addReportOptions, printReport } from './options.ts';
import type { ReportFlags } from './options.ts';

export function register(group: Command): void {
  const cmd = group.command('audience').description(`do creators bring a warm audience: ${REPORTS.audience.description}`);
  addReportOptions(cmd, 'audience').action(async (flags: ReportFlags) => {
    await printReport('audience', flags);
  });
}
