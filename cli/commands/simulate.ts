/**
 * `livelens simulate` (docs/spec.md §5): synthetic live shows with planted
 * effects, played through the real SDK to a running collector. Writes the
 * retailers' order exports (CSV) and the ground truth (`truth.json`), and
 * prints the commands that load them.
 *
 * @example
 * livelens serve --write-keys key-northwind-1@northwind,key-lumiere-1@lumiere --client-address-header x-forwarded-for &
 * LIVELENS_WRITE_KEYS=key-northwind-1@northwind,key-lumiere-1@lumiere livelens simulate --viewers 500 --seed 7
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { addSettingOptions, resolveSettings } from '../../config/settings.ts';
import { parseInteger } from '../../config/parse-integer.ts';
import { parseWriteKeys } from '../../collector/write-keys.ts';
import { RETAILERS } from '../../simulate/world/catalog.ts';
import { createProgress } from './progress.ts';
import { DEFAULT_CONCURRENCY, MAX_SIM_HOURS, runSimulation } from '../../simulate/run.ts';
import { SIM_CLIENT_ADDRESS_HEADER } from '../../simulate/simulated-day.ts';
import { SIMULATION_DIR } from '../../contract/data-dir.ts';

/** Defaults of the sizing flags: a day part of six shows. */
export const DEFAULT_SIM_SEED = 1;
export const DEFAULT_SIM_SHOWS = 6;
export const DEFAULT_SIM_VIEWERS = 800;
export const DEFAULT_SIM_HOURS = 8;

/** The settings simulate takes: where the collector listens and the keys it accepts. */
const SIMULATE_SETTINGS = ['dataDir', 'port', 'writeKeys', 'regionHeader'] as const;

/** Parses a whole-number flag of these commands (config/parse-integer.ts: one parser, one message). */
export function intFlag(name: string, text: unknown, min: number, max?: number): number {
  return parseInteger(text, { flag: `--${name}`, min, max });
}

/** retailer → key from a `key@retailer,...` list; every simulated retailer must have one. */
export function retailerKeys(list: string | undefined): Record<string, string> {
  const keys = list ? parseWriteKeys(list) : [];
  const out: Record<string, string> = {};
  for (const k of keys) out[k.retailer] ??= k.key;
  const missing = RETAILERS.filter((r) => !out[r.id]).map((r) => r.id);
  if (missing.length) {
    throw new Error(
      `the simulation sends for retailers ${RETAILERS.map((r) => r.id).join(' and ')}; give a write key for each with --write-keys or LIVELENS_WRITE_KEYS ` +
        `(e.g. ${RETAILERS.map((r) => `key-${r.id}-1@${r.id}`).join(',')}, the same list the collector runs with); missing: ${missing.join(', ')}`,
    );
  }
  return out;
}

export function register(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('synthetic live shows through the real SDK to a running collector, with planted effects; writes order CSVs and truth.json')
    .option('--seed <n>', 'random seed: the same seed plants the same world', String(DEFAULT_SIM_SEED))
    .option('--shows <n>', 'number of shows (at least one per retailer)', String(DEFAULT_SIM_SHOWS))
    .option('--viewers <n>', 'distinct viewers in the simulated world', String(DEFAULT_SIM_VIEWERS))
    .option('--hours <h>', `hours the shows spread over (at most ${MAX_SIM_HOURS})`, String(DEFAULT_SIM_HOURS))
    .option('--endpoint <url>', 'collector base URL (default http://127.0.0.1:<port>)')
    .option('--out <dir>', `where order CSVs and truth.json go (default <data-dir>/${SIMULATION_DIR})`)
    .option('--concurrency <n>', 'viewers simulated at once', String(DEFAULT_CONCURRENCY));
  addSettingOptions(cmd, SIMULATE_SETTINGS);
  cmd.action(async (opts: Record<string, unknown>) => {
    try {
      await runSimulateCommand(opts);
    } catch (err) {
      process.stderr.write(`livelens simulate: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });
}

async function runSimulateCommand(opts: Record<string, unknown>): Promise<void> {
  const settings = resolveSettings(SIMULATE_SETTINGS, opts);
  const dataDir = settings.dataDir;
  const hours = Number(opts.hours);
  if (!(hours > 0 && hours <= MAX_SIM_HOURS)) throw new Error(`--hours is "${String(opts.hours)}": expected a number above 0 and at most ${MAX_SIM_HOURS}`);
  const endpoint = typeof opts.endpoint === 'string' ? opts.endpoint : `http://127.0.0.1:${settings.port}`;
  const progress = createProgress('sessions');
  const sim = await runSimulation({
    seed: intFlag('seed', opts.seed, 0, 2 ** 32 - 1),
    shows: intFlag('shows', opts.shows, RETAILERS.length, 1000),
    viewers: intFlag('viewers', opts.viewers, 1, 1_000_000),
    hours,
    endpoint,
    writeKeys: retailerKeys(settings.writeKeys),
    regionHeader: settings.regionHeader,
    outDir: typeof opts.out === 'string' ? opts.out : join(dataDir, SIMULATION_DIR),
    concurrency: intFlag('concurrency', opts.concurrency, 1, 10_000),
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.stop();
  const out = process.stdout;
  out.write(`simulated ${sim.sessions.length} sessions of ${sim.world.viewers.length} viewers in ${sim.world.shows.length} shows in ${(sim.elapsedMs / 1000).toFixed(1)} s\n`);
  out.write(`events: ${sim.events.accepted} accepted, ${sim.events.rejected} rejected, ${sim.events.refused} refused, ${sim.events.dropped} dropped; HTTP ${JSON.stringify(sim.statuses)}; ${sim.lostAcks} answers lost on purpose (those batches were sent twice)\n`);
  if (sim.statuses['429']) out.write(`note: the collector rate-limited the simulator; start it with --client-address-header ${SIM_CLIENT_ADDRESS_HEADER} so each simulated viewer counts as its own address\n`);
  out.write(`ground truth: ${sim.truthFile}\nnext:\n  livelens ingest --once --data-dir ${dataDir}\n`);
  for (const f of sim.orderFiles) out.write(`  livelens orders import ${f.file} --retailer ${f.retailerId} --data-dir ${dataDir}\n`);
}
