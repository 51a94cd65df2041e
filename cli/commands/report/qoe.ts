/**
 * `livelens report qoe --by region|show|device` (docs/spec.md §§4 and 5):
 * sessions, viewers, startup p50/p95, rebuffer %, rebuffers per minute,
 * live latency p50/p95/p99, playback failure % and exits before video start
 * (ebvs_pct) per group.
 *
 * @example
 * livelens report qoe --by device --from 2026-11-01 --to 2026-11-08 --format json
 */
import type { Command } from 'commander';
import { REPORTS } from '../../../pipeline/reports/index.ts';
import { addReportOptions, printReport } from './options.ts';
import type { ReportFlags } from './options.ts';

export function register(group: Command): void {
  const cmd = group.command('qoe').description(`quality of experience per group: ${REPORTS.qoe.description}`);
  addReportOptions(cmd, 'qoe').action(async (flags: ReportFlags) => {
    await printReport('qoe', flags);
  });
}
