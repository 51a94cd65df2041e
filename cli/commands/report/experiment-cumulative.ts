/**
 * `livelens report experiment-cumulative ID [--by day|hour]`: the
 * cumulative lift by day (or hour) of first exposure, what GrowthBook's
 * results page draws: for each period since the first exposure, each
 * metric's relative lift and interval over every viewer first exposed up to
 * its end, computed as `livelens report experiment` computes it (same
 * flags, same statistics), so the last period's point is the report's lift.
 *
 * @example
 * livelens report experiment-cumulative checkout-button --by day --format csv
 */
import type { Command } from 'commander';
import { REPORT_CATALOG } from '../../../pipeline/reports/index.ts';
import { addSettingOptions, resolveSettings } from '../../../config/settings.ts';
import { addReportOptions, printReport } from './options.ts';
import type { ReportFlags } from './options.ts';

/** Settings of this command beyond the engine's: the definitions file (docs/spec.md §7). */
const EXPERIMENT_SETTINGS = ['experiments'] as const;

export function register(group: Command): void {
  const cmd = group
    .command('experiment-cumulative')
    .description(REPORT_CATALOG['experiment-cumulative']!.description)
    .argument('<id>', 'experiment id, as sent in exposure events');
  addReportOptions(cmd, 'experiment-cumulative');
  addSettingOptions(cmd, EXPERIMENT_SETTINGS).action(async (id: string, flags: ReportFlags) => {
    await printReport('experiment-cumulative', flags, { id }, (f) => {
      const file = resolveSettings(EXPERIMENT_SETTINGS, f).experiments;
      return file === undefined ? {} : { experimentsFile: file };
    });
  });
}
