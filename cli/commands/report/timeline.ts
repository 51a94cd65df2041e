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
import { REPORTS, formatReport, reportFormat, runReport } from '../../../pipeline/reports/index.ts';
import { addReportOptions, reportOptionsFromFlags } from './options.ts';
import type { ReportFlags } from './options.ts';

interface TimelineFlags extends ReportFlags {
  show: string;
}

export function register(group: Command): void {
  const cmd = group
    .command('timeline')
    .description(`which moment of a show sold: ${REPORTS.timeline.description}`)
    .requiredOption('--show <id>', 'the show_id');
  addReportOptions(cmd).action(async (flags: TimelineFlags) => {
    try {
      const format = reportFormat(flags.format);
      const result = await runReport('timeline', { ...reportOptionsFromFlags(flags), by: 'show', extraParams: { show_id: flags.show } });
      process.stdout.write(formatReport(result, format));
    } catch (err) {
      process.stderr.write(`livelens report timeline: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });
}
