/**
 * `livelens report experiment ID` (docs/spec.md §§4–6): assignment counts
 * per variant, the sample-ratio check, viewers excluded for seeing several
 * variants, and per metric (conversion, revenue per viewer, watch minutes,
 * clicks) the variant means, absolute and relative lift with interval,
 * p-value or chance to win, CUPED beside unadjusted.
 *
 * @example
 * livelens report experiment checkout-button --weights control=0.5,treatment=0.5 --format json
 * livelens report experiment checkout-button --method sequential --correction holm --cap 0.99
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { METHODS, type Method } from '../../../stats/analyze.ts';
import { CORRECTIONS, type Correction } from '../../../stats/multiple.ts';
import { DEFAULT_SEQUENTIAL_TUNING_UNITS } from '../../../stats/sequential.ts';
import { DEFAULT_CUPED_LOOKBACK_MS } from '../../../pipeline/reports/experiment.ts';
import { formatExperimentReport } from '../../../pipeline/reports/experiment-output.ts';
import { runExperimentReport, type ExperimentRunOptions } from '../../../pipeline/reports/experiment-run.ts';
import { reportFormat } from '../../../pipeline/reports/index.ts';
import { addReportOptions, reportOptionsFromFlags, type ReportFlags } from './options.ts';

/** Longest CUPED lookback accepted (90 days), as for the attribution window. */
export const MAX_CUPED_LOOKBACK_DAYS = 90;

interface ExperimentFlags extends ReportFlags {
  control?: string;
  weights?: string;
  method?: Method;
  alpha?: string;
  correction?: Correction;
  cap?: string;
  lookbackDays?: string;
  prior?: string;
  sequentialTuning?: string;
}

function number(flag: string, text: string, check: (n: number) => boolean, allowed: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new Error(`${flag} "${text}" is not allowed: ${allowed}`);
  return n;
}

/** `control=0.5,treatment=0.5` → { control: 0.5, treatment: 0.5 }. */
export function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.lastIndexOf('=');
    if (eq <= 0) throw new Error(`--weights entry "${part}" is not variant=weight (e.g. control=0.5,treatment=0.5)`);
    weights[part.slice(0, eq).trim()] = number('--weights', part.slice(eq + 1), (n) => n >= 0, 'weights are numbers of 0 or more');
  }
  return weights;
}

/** Flags → analysis options; errors name the flag and what is allowed. */
export function experimentOptionsFromFlags(flags: ExperimentFlags): ExperimentRunOptions {
  const base = reportOptionsFromFlags({ ...flags, by: '' });
  const { by: _by, ...filters } = base;
  const options: ExperimentRunOptions = { ...filters };
  if (flags.control !== undefined) options.control = flags.control;
  if (flags.weights !== undefined) options.weights = parseWeights(flags.weights);
  if (flags.method !== undefined) options.method = flags.method;
  if (flags.correction !== undefined) options.correction = flags.correction;
  if (flags.alpha !== undefined) options.alpha = number('--alpha', flags.alpha, (n) => n > 0 && n < 1, 'use a number between 0 and 1, e.g. 0.05');
  if (flags.cap !== undefined) options.capPercentile = number('--cap', flags.cap, (n) => n > 0 && n <= 1, 'use a percentile above 0 and at most 1, e.g. 0.99');
  if (flags.lookbackDays !== undefined) {
    const days = number('--lookback-days', flags.lookbackDays, (n) => n >= 0 && n <= MAX_CUPED_LOOKBACK_DAYS, `use 0 to ${MAX_CUPED_LOOKBACK_DAYS} days`);
    options.lookbackMs = days * 86_400_000;
  }
  if (flags.prior !== undefined) {
    const m = /^\s*(-?[\d.]+)\s*,\s*([\d.]+)\s*$/.exec(flags.prior);
    const mean = Number(m?.[1]);
    const sd = Number(m?.[2]);
    if (!m || !Number.isFinite(mean) || !(sd > 0)) throw new Error(`--prior "${flags.prior}" is not allowed: use MEAN,SD of the relative lift, e.g. 0,0.3`);
    options.prior = { mean, variance: sd * sd };
  }
  if (flags.sequentialTuning !== undefined) {
    options.sequentialTuningUnits = number('--sequential-tuning', flags.sequentialTuning, (n) => n > 0, 'use a positive number of units, e.g. 5000');
  }
  return options;
}

export function register(group: Command): void {
  const cmd = group
    .command('experiment')
    .description('A/B test read-out: assignment, sample-ratio check, exclusions, lift per metric with CUPED beside unadjusted')
    .argument('<id>', 'experiment id, as sent in exposure events')
    .option('--control <variant>', 'control variant (default: "control" if seen, else the first by name)')
    .option('--weights <list>', 'planned traffic weights for the sample-ratio check, e.g. control=0.5,treatment=0.5 (default: equal)')
    .addOption(new Option('--method <method>', 'statistics').choices([...METHODS]).default('frequentist'))
    .option('--alpha <alpha>', 'significance level', '0.05')
    .addOption(new Option('--correction <correction>', 'multiple-comparison correction across metrics and variants').choices([...CORRECTIONS]).default('none'))
    .option('--cap <percentile>', 'cap revenue per viewer at this percentile, e.g. 0.99 (default: no cap)')
    .option('--lookback-days <days>', 'CUPED covariate window before exposure', String(DEFAULT_CUPED_LOOKBACK_MS / 86_400_000))
    .option('--prior <mean,sd>', 'Bayesian: Gaussian prior on the relative lift, e.g. 0,0.3 (default: flat)')
    .option('--sequential-tuning <units>', 'sequential: N*, total viewers where the interval is tightest', String(DEFAULT_SEQUENTIAL_TUNING_UNITS));
  addReportOptions(cmd).action(async (id: string, flags: ExperimentFlags) => {
    try {
      const format = reportFormat(flags.format);
      const report = await runExperimentReport(id, experimentOptionsFromFlags(flags));
      process.stdout.write(formatExperimentReport(report, format));
    } catch (err) {
      process.stderr.write(`livelens report experiment: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });
}
