/**
 * Runs one `importOrders` in a process of its own and prints its result
 * and the process's peak RSS as JSON, so a test or benchmark measures the
 * import's memory alone (`measureImport` spawns it).
 *
 * @example
 * const m = await measureImport('/tmp/orders.csv', '/tmp/data'); // { loaded, skipped, elapsedMs, peakRssBytes }
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { importOrders } from '../import-orders.ts';

export interface ImportMeasure {
  loaded: number;
  skipped: number;
  elapsedMs: number;
  /** Peak resident memory of the importing process (getrusage maxrss). */
  peakRssBytes: number;
}

/** Imports `file` into `dataDir` in a child process; resolves with what it measured. */
export async function measureImport(file: string, dataDir: string, options: { memoryLimit?: string } = {}): Promise<ImportMeasure> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), file, dataDir, ...(options.memoryLimit ? [options.memoryLimit] : [])];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout) as ImportMeasure;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, dataDir, memoryLimit] = process.argv.slice(2);
  const started = performance.now();
  const r = await importOrders(file!, { dataDir: dataDir!, retailer: 'bench', ...(memoryLimit ? { memoryLimit } : {}) });
  const measure: ImportMeasure = { loaded: r.loaded, skipped: r.skipped, elapsedMs: Math.round(performance.now() - started), peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(JSON.stringify(measure) + '\n');
}
