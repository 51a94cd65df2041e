/**
 * `npm run bench`: every benchmark of bench/, one after another, each in its
 * own process. By default at a quick size (a smoke run, about two minutes on
 * 2 cores: it shows every benchmark works and its shape, not its headline
 * numbers); `--full` uses each benchmark's own default size (the numbers in
 * bench/README.md; the scale benchmark alone then takes minutes). Names pick
 * a subset; arguments after a second `--` go to every chosen benchmark.
 *
 * @example
 * npm run bench                      # all, quick
 * npm run bench -- sdk ingest        # two of them, quick
 * npm run bench -- --full scale      # the 10M-event scale benchmark
 * npm run bench -- ingest -- --events 50000
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** Each benchmark: its script and the arguments of its quick size. */
export const BENCHMARKS = {
  sdk: { script: 'sdk.ts', quick: ['--events', '2000', '--rounds', '3'] },
  ingest: { script: 'ingest.ts', quick: ['--events', '20000', '--rounds', '1'] },
  collector: { script: 'collector.ts', quick: ['--duration', '2', '--rounds', '1', '--overload', '2'] },
  overload: { script: 'overload.ts', quick: ['--duration', '2', '--rounds', '1'] },
  'slow-clients': { script: 'slow-clients.ts', quick: ['--only-sockets', '--sockets', '500'] },
  scale: { script: 'scale.ts', quick: ['--events', '100000'] },
  dashboard: { script: 'dashboard.ts', quick: ['--rounds', '3', '--cached', '20'] },
} as const;
type BenchmarkName = keyof typeof BENCHMARKS;

const argv = process.argv.slice(2);
const cut = argv.indexOf('--');
const [own, passThrough] = cut === -1 ? [argv, []] : [argv.slice(0, cut), argv.slice(cut + 1)];
const { values, positionals: names } = parseArgs({ args: own, options: { full: { type: 'boolean', default: false } }, allowPositionals: true });
const known = Object.keys(BENCHMARKS) as BenchmarkName[];
for (const name of names) {
  if (!(known as string[]).includes(name)) {
    console.error(`livelens bench: "${name}" is not a benchmark: use ${known.join(', ')} (or none for all)`);
    process.exit(1);
  }
}
const chosen = names.length ? (names as BenchmarkName[]) : known;
let failed = 0;
for (const name of chosen) {
  const b = BENCHMARKS[name];
  const args = [...(values.full ? [] : b.quick), ...passThrough];
  console.log(`\n=== bench ${name}${values.full ? '' : ' (quick)'}: ${b.script} ${args.join(' ')}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, b.script), ...args], {
    stdio: 'inherit',
    // As bin/livelens.js: the pinned AWS SDK supports Node 20, its notice about later releases is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env },
  });
  if (run.status !== 0) {
    failed++;
    console.error(`bench ${name} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exit(failed ? 1 : 0);
