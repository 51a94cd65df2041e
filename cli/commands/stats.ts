/**
 * `livelens stats --input FILE`: the statistics engine alone (SPEC
 * section 6). Reads the sufficient-statistics JSON from a file or stdin
 * (`-`) and prints `{"srm_p_value", "results": [...]}`. Comparisons that
 * cannot be made (too few units, no variance, zero control mean) print
 * null fields and a warning on stderr.
 *
 * @example
 * livelens stats --input experiment.json
 * echo '{"metric":"proportion","variants":[...]}' | livelens stats --input -
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { analyzeVariantsDetailed, type StatsOutput } from '../../stats/analyze.ts';
import { parseStatsInput } from '../../stats/parse-input.ts';

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
    .description('run the experiment statistics engine on per-variant sufficient statistics (SPEC section 6)')
    .requiredOption('--input <file>', 'JSON input file, or - for stdin')
    .addHelpText(
      'after',
      `
Input: {"metric": "mean|proportion|ratio", "method": "frequentist|bayesian|sequential",
        "relative": true, "alpha": 0.05, "weights": [0.5, 0.5],
        "variants": [{"n", "sum", "sum_squares", ratio and covariate sums where they apply}]}
  optional: "cuped" (default true when covariate sums are given), "prior" {"mean", "variance"}
  on the relative lift (Bayesian; flat when absent), "sequential_tuning" (N*, default 5000),
  "correction" "none|holm|bh" across variants.
Output: {"srm_p_value": p, "results": [{"variant", "expected", "ci", "p_value", "chance_to_win", "risk"}]}
  frequentist, sequential: chance_to_win and risk are null;
  bayesian: p_value is null, ci is the credible interval, risk is [choosing control, choosing the variant].`,
    )
    .action(async (opts: { input: string }) => {
      try {
        const { output, warnings } = runStats(await readInput(opts.input));
        for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`${JSON.stringify(output)}\n`);
      } catch (err) {
        process.stderr.write(`livelens stats: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
