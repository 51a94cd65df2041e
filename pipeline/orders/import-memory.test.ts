/**
 * The import streams: a generated orders file of tens of MB is imported in
 * a process of its own, and its peak RSS grows over that of a 1 MiB import
 * (the same code, the same process shape) by less than a fixed bound that
 * does not depend on the file's size. bench/orders-import.ts runs the same
 * at 1–2 GiB, where the growth is far below the file.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generateOrdersCsv } from './testing/generate-orders.ts';
import { measureImport } from './testing/import-child.ts';

/** The large file: tens of MiB of wide rows (many bytes per row, so the test stays short). */
const LARGE_BYTES = 48 * 1024 * 1024;
const BASELINE_BYTES = 1024 * 1024;
/**
 * Most the peak RSS may grow over the baseline's: DuckDB's ORDERS_IMPORT_MEMORY_LIMIT (128 MiB)
 * and its allocator's slack, V8's young generation grown under the allocation rate; none of it
 * scales with the file (measured: about 200 MiB at 48 MiB, 162 MiB at 1 GiB in bench/orders-import.ts). At tens of
 * MiB this fixed part is larger than the file itself; the import that held the file's rows in a
 * Map grew by 440 MiB on this file, so this bound still tells the two apart.
 */
const MAX_RSS_GROWTH_BYTES = 288 * 1024 * 1024;

const root = mkdtempSync(join(tmpdir(), 'livelens-orders-memory-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it(`imports a ${LARGE_BYTES / 1024 / 1024} MiB orders file with peak RSS growth under ${MAX_RSS_GROWTH_BYTES / 1024 / 1024} MiB over a 1 MiB import`, async () => {
  const sizes = { baseline: BASELINE_BYTES, large: LARGE_BYTES };
  const measured: Record<string, { rows: number; peakRssBytes: number }> = {};
  for (const [label, bytes] of Object.entries(sizes)) {
    const file = join(root, `${label}.csv`);
    const { rows } = await generateOrdersCsv(file, bytes, { wide: true });
    expect(statSync(file).size).toBeGreaterThanOrEqual(bytes);
    const m = await measureImport(file, join(root, label));
    expect(m).toMatchObject({ loaded: rows, skipped: 0 });
    measured[label] = { rows, peakRssBytes: m.peakRssBytes };
    rmSync(file);
  }
  const growth = measured.large!.peakRssBytes - measured.baseline!.peakRssBytes;
  console.log(`[orders import memory] ${measured.large!.rows} rows, ${LARGE_BYTES / 1024 / 1024} MiB: peak RSS ${(measured.large!.peakRssBytes / 1048576).toFixed(0)} MiB, ` +
    `baseline ${(measured.baseline!.peakRssBytes / 1048576).toFixed(0)} MiB, growth ${(growth / 1048576).toFixed(0)} MiB`);
  expect(growth).toBeLessThan(MAX_RSS_GROWTH_BYTES);
}, 180_000);
