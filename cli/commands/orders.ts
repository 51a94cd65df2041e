/**
 * `livelens orders import FILE [--retailer ID]`: orders (CSV with a header,
 * or NDJSON) into the lake (docs/spec.md §3). Each bad row is printed to
 * stderr as `FILE:LINE: reason`; the summary goes to stdout as JSON.
 * Exit code 0: every row loaded; 2: some rows skipped (the rest loaded);
 * 1: nothing could be read (missing file, CSV header lacking columns).
 *
 * @example
 * livelens orders import orders.csv --retailer acme
 * // {"loaded":998,"skipped":2,"unchanged":0,"duplicates":0,"files":2}
 */
import type { Command } from 'commander';
import { addSettingOptions, resolveSettings } from '../../config/settings.ts';
import { DEFAULT_ORDERS_RETAILER, importOrders } from '../../pipeline/orders/import-orders.ts';
import { LAKE_SETTINGS, lakeStoreFrom } from '../../pipeline/lake/lake-from-settings.ts';

/** Exit code when some rows were skipped and the rest loaded. */
export const EXIT_ROWS_SKIPPED = 2;

export function register(program: Command): void {
  const orders = program.command('orders').description('order lines from the commerce system');
  const importCmd = orders
    .command('import')
    .description('import order lines (CSV with header, or NDJSON) into the lake\'s orders/ (<data-dir>/lake, or --lake: a folder or s3://bucket/prefix)')
    .argument('<file>', 'CSV (.csv) or NDJSON (.ndjson/.jsonl/.json) file; other names are detected by content')
    .option('--retailer <id>', 'retailer (tenant) the orders belong to', DEFAULT_ORDERS_RETAILER)
    .addHelpText(
      'after',
      `
Columns: order_id, ts, user_id, click_id (optional), product_id, quantity, unit_price, currency
ts is ISO 8601 (UTC when no zone is given) or epoch milliseconds.
Importing the same file again changes nothing: lines are keyed by retailer, order_id and product_id.
Exit code: 0 all rows loaded, ${EXIT_ROWS_SKIPPED} some rows skipped (listed on stderr), 1 nothing read.`,
    )
    .action(async (file: string, opts: Record<string, unknown>) => {
      let result;
      try {
        const settings = resolveSettings(LAKE_SETTINGS, opts);
        const lake = lakeStoreFrom(settings);
        try {
          result = await importOrders(file, { dataDir: settings.dataDir, retailer: opts.retailer as string, lake });
        } finally {
          lake.close();
        }
      } catch (err) {
        process.stderr.write(`livelens orders import: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      for (const e of result.errors) process.stderr.write(`${file}:${e.line}: ${e.error}\n`);
      if (result.skipped > result.errors.length) process.stderr.write(`${file}: ${result.skipped - result.errors.length} more bad rows not listed\n`);
      const { loaded, skipped, unchanged, duplicates, files } = result;
      process.stdout.write(JSON.stringify({ loaded, skipped, unchanged, duplicates, files: files.length }) + '\n');
      if (skipped > 0) process.exitCode = EXIT_ROWS_SKIPPED;
    });
  addSettingOptions(importCmd, LAKE_SETTINGS);
}
