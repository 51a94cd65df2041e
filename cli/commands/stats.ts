/**
 * `livelens stats --input FILE`: the statistics engine alone (docs/spec.md
 * §6). Reads the sufficient-statistics JSON from a file or stdin
 * (`-`) and prints `{"srm_p_value", "results": [...]}`. Comparisons that
 * cannot be made (too few units, no variance, zero control mean) print
 * null fields and a warning on stderr.
 *
 * @example
 * livelens stats --input experiment.json
 * echo '{"metric":"proportion","variants":[...]}' | livelens stats --input -
 * livelens stats --power --baseline 0.05 --lift 0.1   # units per arm (./stats-power.ts)
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { analyzeVariantsDetailed, type StatsOutput } from '../../stats/analyze.ts';
import { parseStatsInput } from '../../stats/parse-input.ts';
import { DEFAULT_ALPHA } from '../../stats/frequentist.ts';
import { DEFAULT_POWER } from '../../stats/power.ts';
import { planPower, type PowerFlags } from './stats-power.ts';

/** Largest input accepted, in bytes (100 variants of sums fit in a few KB). */
export const MAX_STATS_INPUT_BYTES = 1_048_576;

async function readInput(source: string): Promise<string> {
  if (source !== '-') return readFile(source, 'utf8');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_STATS_INPUT_BYTES) throw new Error(`stdin input exceeds ${MAX_STATS_INPUT_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs the analysis on JSON text; returns the output and any per-variant warnings. */
export function runStats(text: string): { output: StatsOutput; warnings: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`the input is not JSON: ${(err as Error).message}`);
  }
  const detailed = analyzeVariantsDetailed(parseStatsInput(json));
  return {
    output: {
      srm_p_value: detailed.srm_p_value,
      results: detailed.comparisons.map(({ variant, expected, ci, p_value, chance_to_win, risk }) => ({ variant, expected, ci, p_value, chance_to_win, risk })),
    },
    warnings: detailed.comparisons.filter((c) => c.error !== null).map((c) => `variant ${c.variant}: ${c.error}`),
  };
}

export function register(program: Command): void {
  program
    .command('stats')
    .description('run the experiment statistics engine on per-variant sufficient statistics (docs/spec.md §6), or plan a test\'s size (--power)')
    .option('--input <file>', 'JSON input file, or - for stdin')
    .option('--power [probability]', `plan a test instead: units per arm (--lift) or detectable effect (--units) at this power (default ${DEFAULT_POWER})`)
    .option('--baseline <mean>', '--power: the control mean, e.g. 0.05 for a 5% conversion rate, 12.5 for revenue per viewer')
    .option('--variance <variance>', '--power: per-unit variance of the metric (default p(1-p) for a conversion-rate baseline)')
    .option('--lift <relative>', '--power: the relative effect to detect, e.g. 0.1 for +10%; answers units per arm')
    .option('--units <n>', '--power: units per arm you have; answers the minimum detectable relative effect')
    .option('--alpha <alpha>', `--power: two-sided significance level (default ${DEFAULT_ALPHA})`)
    .addHelpText(
      'after',
      `
Input: {"metric": "mean|proportion|ratio", "method": "frequentist|bayesian|sequential",
        "relative": true, "alpha": 0.05, "weights": [0.5, 0.5],
        "variants": [{"n", "sum", "sum_squares", ratio and covariate sums where they apply}]}
  optional: "cuped" (default true when covariate sums are given), "prior" {"mean", "variance"}
  on the relative lift (Bayesian; flat when absent), "sequential_tuning" (N*, default 5000),
  "correction" "none|holm|bh" across variants.
  Sums no data can give (sum_squares < sum²/n beyond rounding) are refused, exit 1.
Output: {"srm_p_value": p, "results": [{"variant", "expected", "ci", "p_value", "chance_to_win", "risk"}]}
  frequentist, sequential: chance_to_win and risk are null;
  bayesian: p_value is null, ci is the credible interval, risk is [choosing control, choosing the variant].

Power (planning two equal arms, two-sided test, normal approximation):
  livelens stats --power --baseline 0.05 --lift 0.1
    units per arm to detect a 10% lift in a 5% conversion rate at 80% power, alpha 0.05
  livelens stats --power 0.9 --baseline 12.5 --variance 400 --units 12
    the relative effect 12 units per arm detect at 90% power (units: viewers, or shows
    for a show-level test, with the per-show variance of its ratio metric)
  n per arm = (z(1-alpha/2) + z(power))^2 * 2 * variance / (lift * baseline)^2
Output: {"baseline", "variance", "alpha", "power", "relative_effect", "mde_relative", "units_per_arm", "total_units"}`,
    )
    .action(async (opts: { input?: string } & PowerFlags) => {
      const command = opts.power !== undefined ? 'livelens stats --power' : 'livelens stats';
      try {
        if (opts.power !== undefined) {
          if (opts.input !== undefined) throw new Error('give either --input (analyse sums) or --power (plan a test), not both');
          process.stdout.write(`${JSON.stringify(planPower(opts))}\n`);
          return;
        }
        const planning = (['baseline', 'variance', 'lift', 'units', 'alpha'] as const).find((k) => opts[k] !== undefined);
        if (planning !== undefined) throw new Error(`--${planning} belongs to --power; add --power to plan a test`);
        if (opts.input === undefined) throw new Error('give --input FILE (or - for stdin) to analyse sums, or --power to plan a test');
        const { output, warnings } = runStats(await readInput(opts.input));
        for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`${JSON.stringify(output)}\n`);
      } catch (err) {
        process.stderr.write(`${command}: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
