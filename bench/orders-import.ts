/**
 * Orders import benchmark (issue 16): a very large orders CSV (2 GiB by
 * default), generated as a stream to disk, imported by `importOrders` in a
 * process of its own, beside a small file (the baseline) imported the same
 * way in the same run: rows/s, wall time and peak RSS of each, and the
 * large import's RSS growth over the baseline against its file size. Memory
 * that held the file, or its rows, would grow with it; the import's stays
 * within ORDERS_IMPORT_MEMORY_LIMIT plus a fixed overhead.
 *
 * @example
 * npm run bench:orders -- --bytes 2147483648 --baseline-bytes 8388608
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ORDERS_IMPORT_MEMORY_LIMIT } from '../pipeline/orders/import-orders.ts';
import { generateOrdersCsv } from '../pipeline/orders/testing/generate-orders.ts';
import { measureImport } from '../pipeline/orders/testing/import-child.ts';

const { values: args } = parseArgs({
  options: {
    bytes: { type: 'string', default: String(2 * 1024 ** 3) },
    'baseline-bytes': { type: 'string', default: String(8 * 1024 ** 2) },
    dir: { type: 'string' },
  },
});
const MIB = 1024 * 1024;

async function run(label: string, bytes: number, root: string) {
  const dir = join(root, label);
  const file = join(root, `${label}.csv`);
  const started = performance.now();
  const generated = await generateOrdersCsv(file, bytes);
  const generateS = (performance.now() - started) / 1000;
  const m = await measureImport(file, dir);
  if (m.loaded !== generated.rows || m.skipped !== 0) throw new Error(`${label}: loaded ${m.loaded} of ${generated.rows} rows, ${m.skipped} skipped`);
  const size = statSync(file).size;
  rmSync(file, { force: true });
  rmSync(dir, { recursive: true, force: true });
  return { label, rows: generated.rows, fileMiB: size / MIB, generateS, importS: m.elapsedMs / 1000, rowsPerS: generated.rows / (m.elapsedMs / 1000), peakRssMiB: m.peakRssBytes / MIB };
}

const root = args.dir ?? mkdtempSync(join(tmpdir(), 'livelens-bench-orders-'));
try {
  console.log(`orders import: DuckDB memory limit ${ORDERS_IMPORT_MEMORY_LIMIT}, files in ${root}`);
  const results = [await run('baseline', Number(args['baseline-bytes']), root), await run('large', Number(args.bytes), root)];
  console.log('| file | rows | MiB | import s | rows/s | peak RSS MiB |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.label} | ${r.rows} | ${r.fileMiB.toFixed(0)} | ${r.importS.toFixed(1)} | ${Math.round(r.rowsPerS)} | ${r.peakRssMiB.toFixed(0)} |`);
  const [base, large] = results as [(typeof results)[0], (typeof results)[0]];
  const growth = large.peakRssMiB - base.peakRssMiB;
  console.log(`peak RSS growth over the baseline: ${growth.toFixed(0)} MiB for ${(large.fileMiB - base.fileMiB).toFixed(0)} MiB more file (${((100 * growth) / large.fileMiB).toFixed(1)}% of the file's size)`);
} finally {
  if (!args.dir) rmSync(root, { recursive: true, force: true });
}
