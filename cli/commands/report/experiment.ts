/**
 * `livelens report experiment ID` (docs/spec.md §§4–6): assignment counts
 * per variant, the sample-ratio check, viewers excluded for seeing several
 * variants, and per metric (conversion, revenue per viewer, watch minutes,
 * clicks) the variant means, absolute and relative lift with interval,
 * p-value or chance to win, CUPED beside unadjusted. The flags are the
 * parameters of pipeline/reports/experiment-parameters.ts, plus the
 * definitions file (`--experiments`, LIVELENS_EXPERIMENTS, default
 * `<data dir>/experiments.json` if present).
 *
 * @example
 * livelens report experiment checkout-button --weights control=0.5,treatment=0.5 --format json
 * livelens report experiment checkout-button --method sequential --correction holm --cap 0.99
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
    .command('experiment')
    .description(REPORT_CATALOG.experiment!.description)
    .argument('<id>', 'experiment id, as sent in exposure events');
  addReportOptions(cmd, 'experiment');
  addSettingOptions(cmd, EXPERIMENT_SETTINGS).action(async (id: string, flags: ReportFlags) => {
    await printReport('experiment', flags, { id }, (f) => {
      const file = resolveSettings(EXPERIMENT_SETTINGS, f).experiments;
      return file === undefined ? {} : { experimentsFile: file };
    });
  });
}
