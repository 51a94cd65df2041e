/**
 * `importOrders`: an orders file (CSV or NDJSON, docs/spec.md §3) into
 * `lake/orders/dt=YYYY-MM-DD/` (dt = UTC date of the order's ts), with
 * exactly LAKE_ORDER_COLUMNS. Bad rows are reported by line and skipped; the
 * rest load. The file is read as a stream and its good rows staged in a
 * scratch DuckDB file on disk, so memory does not grow with the file; no
 * row is written to the lake before the whole file was read.
 *
 * Re-importing changes no report: lines are keyed by (retailer_id,
 * order_id, product_id) and readers keep the latest `imported_at` per key;
 * moreover a line identical to the latest one already in the lake is not
 * written again (`unchanged`), so importing the same file twice adds no file.
 * Within one file, a key seen twice keeps its last line (`duplicates`).
 *
 * @example
 * const r = await importOrders('orders.csv', { dataDir: '.livelens', retailer: 'acme' });
 * // { loaded: 998, skipped: 2, unchanged: 0, duplicates: 0, errors: [{ line: 17, error: 'quantity 0 must be ...' }], files: [...] }
 */
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { STAGING_DIR } from '../../contract/data-dir.ts';
import { recordOrderImport } from '../health/counts.ts';
import { LAKE_ORDER_COLUMNS } from '../../contract/lake.ts';
import { MAX_RETAILER_CHARS, RETAILER_ID_PATTERN } from '../../contract/limits.ts';
import { openWriterSession } from '../lake/duckdb-session.ts';
import { writePartitions } from '../lake/parquet-partitions.ts';
import { sqlString } from '../lake/duckdb-session.ts';
import type { LakeStore } from '../lake/lake-store.ts';
import { defaultLakeStore } from '../lake/open-lake-store.ts';
import { parseOrderLine } from './order-line.ts';
import { detectOrderFormat, readOrderRows, type OrderFileFormat } from './read-order-rows.ts';

/** The retailer of orders imported without `--retailer` (as for write keys without `@retailer`). */
export const DEFAULT_ORDERS_RETAILER = 'default';
/** Bad rows listed in the result; the count in `skipped` is always complete. */
export const MAX_REPORTED_ORDER_ERRORS = 1_000;
/**
 * Memory of the import's DuckDB (the file's rows sit in a scratch database
 * on disk; sorting and deduplicating beyond this spills to disk too), so an
 * import of any size stays a small process.
 */
export const ORDERS_IMPORT_MEMORY_LIMIT = '128MB';
/** DuckDB threads of an import: one, so the memory limit is not split into per-thread buffers too small to work in. */
export const ORDERS_IMPORT_THREADS = 1;
/** Lines per slice of the deduplication (slices by key hash): what one slice's aggregate and joins hold in ORDERS_IMPORT_MEMORY_LIMIT. */
export const ORDERS_DEDUPE_SLICE_ROWS = 500_000;
/** Rows the appender holds before handing them to the table (DuckDB's own default holds 204,800 rows in memory). */
const APPENDER_FLUSH_ROWS = 16_384;

export interface ImportOrdersOptions {
  dataDir: string;
  retailer?: string;
  /** Default: by extension, else by content. */
  format?: OrderFileFormat;
  /** The import's `imported_at` (epoch ms); default now. */
  now?: number;
  /** Where the lake is (a folder or S3, pipeline/lake/); default `<dataDir>/lake`. */
  lake?: LakeStore;
  /** DuckDB's memory for the import; default ORDERS_IMPORT_MEMORY_LIMIT. */
  memoryLimit?: string;
  /** Lines per deduplication slice; default ORDERS_DEDUPE_SLICE_ROWS (tests use a few, to run many slices). */
  dedupeSliceRows?: number;
}

export interface ImportOrdersResult {
  /** Good lines (written, or already in the lake unchanged). */
  loaded: number;
  /** Bad rows, not loaded. */
  skipped: number;
  /** Of `loaded`, lines identical to the latest already in the lake: not written again. */
  unchanged: number;
  /** Lines whose key appeared again later in the same file (the later line is kept). */
  duplicates: number;
  /** The first MAX_REPORTED_ORDER_ERRORS bad rows, with the line each starts on. */
  errors: { line: number; error: string }[];
  files: string[];
}

const COLUMNS = Object.keys(LAKE_ORDER_COLUMNS) as Array<keyof typeof LAKE_ORDER_COLUMNS>;
const KEY = ['retailer_id', 'order_id', 'product_id'];

export async function importOrders(file: string, options: ImportOrdersOptions): Promise<ImportOrdersResult> {
  const retailer = options.retailer ?? DEFAULT_ORDERS_RETAILER;
  // An empty retailer would be read by the report layer as "every retailer".
  if (!new RegExp(RETAILER_ID_PATTERN).test(retailer)) {
    throw new Error(`--retailer ${JSON.stringify(retailer)}: a retailer must be 1 to ${MAX_RETAILER_CHARS} of [A-Za-z0-9_-], as in LIVELENS_WRITE_KEYS`);
  }
  await access(file, constants.R_OK).catch((err: Error) => {
    throw new Error(`cannot read orders file ${file}: ${err.message}`);
  });
  const format = options.format ?? (await detectOrderFormat(file));
  const scratch = join(options.dataDir, STAGING_DIR, `orders-import-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dirname(scratch), { recursive: true });
  // The file's rows go to a scratch database on disk as they are read, never into a JS structure:
  // memory stays within ORDERS_IMPORT_MEMORY_LIMIT plus fixed buffers, whatever the file's size.
  const db = await openWriterSession({ path: `${scratch}.duckdb`, memoryLimit: options.memoryLimit ?? ORDERS_IMPORT_MEMORY_LIMIT, tempDirectory: `${scratch}.tmp`, threads: ORDERS_IMPORT_THREADS });
  try {
    const con = db.con;
    await con.run(`CREATE TABLE incoming (${COLUMNS.map((c) => `"${c}" ${LAKE_ORDER_COLUMNS[c]}`).join(', ')}, seq BIGINT)`);
    const appender = await con.createAppender('incoming');
    const importedAt = BigInt(options.now ?? Date.now());
    const errors: ImportOrdersResult['errors'] = [];
    let skipped = 0;
    let good = 0;
    try {
      for await (const batch of readOrderRows(file, format)) {
        for (const raw of batch) {
          const parsed = 'error' in raw ? ({ ok: false, error: raw.error } as const) : parseOrderLine(raw.row);
          if (!parsed.ok) {
            skipped++;
            if (errors.length < MAX_REPORTED_ORDER_ERRORS) errors.push({ line: raw.line, error: parsed.error });
            continue;
          }
          const l = parsed.line;
          appender.appendVarchar(retailer);
          appender.appendVarchar(l.order_id);
          appender.appendBigInt(BigInt(l.ts));
          appender.appendVarchar(l.user_id);
          if (l.click_id === null) appender.appendNull();
          else appender.appendVarchar(l.click_id);
          appender.appendVarchar(l.product_id);
          appender.appendBigInt(BigInt(l.quantity));
          appender.appendDouble(l.unit_price);
          appender.appendVarchar(l.currency);
          appender.appendBigInt(importedAt);
          appender.appendBigInt(BigInt(good++));
          appender.endRow();
          if (good % APPENDER_FLUSH_ROWS === 0) appender.flushSync();
        }
      }
    } finally {
      appender.closeSync();
    }
    // Data health (SPEC 8): lines imported and refused, per retailer and day of the import, once the lines are in the lake.
    const recordHealth = () => recordOrderImport(options.lake ?? options.dataDir, { retailer, imported: good, refused: skipped, at: options.now ?? Date.now() });
    if (good === 0) {
      await recordHealth();
      return { loaded: 0, skipped, unchanged: 0, duplicates: 0, errors, files: [] };
    }
    // A key seen twice in the file keeps its last line; a line identical to the latest in the lake is
    // not written again. Done per slice of the keys (by hash), so each slice's aggregate and joins fit
    // in the memory limit whatever the file's size (one slice up to ORDERS_DEDUPE_SLICE_ROWS lines).
    const slices = Math.max(1, Math.ceil(good / (options.dedupeSliceRows ?? ORDERS_DEDUPE_SLICE_ROWS)));
    const inSlice = (alias: string, slice: number) => (slices === 1 ? 'true' : `hash(${alias}.order_id, ${alias}.product_id) % ${slices} = ${slice}`);
    const dt = `strftime(epoch_ms(ts), '%Y-%m-%d') AS dt`;
    const lake = options.lake ?? defaultLakeStore(options.dataDir);
    // On S3 the existing order files are downloaded into the data dir's cache (again only when one changed).
    const existing = await lake.localCopies(await lake.list('orders'));
    const same = COLUMNS.filter((c) => c !== 'imported_at').map((c) => `i."${c}" IS NOT DISTINCT FROM l."${c}"`).join(' AND ');
    const lakeFiles = `read_parquet([${existing.map(sqlString).join(', ')}], hive_partitioning = false)`;
    await con.run(`CREATE TABLE landing AS SELECT * EXCLUDE (seq), ${dt} FROM incoming WHERE false`);
    let distinct = 0;
    for (let slice = 0; slice < slices; slice++) {
      await con.run(
        `CREATE OR REPLACE TABLE lines AS SELECT i.* EXCLUDE (seq) FROM incoming i SEMI JOIN ` +
          `(SELECT order_id, product_id, max(seq) AS seq FROM incoming j WHERE ${inSlice('j', slice)} GROUP BY order_id, product_id) last USING (order_id, product_id, seq) ` +
          `WHERE ${inSlice('i', slice)}`,
      );
      distinct += Number((await con.runAndReadAll('SELECT count(*) FROM lines')).getRowsJson()[0]![0]);
      if (existing.length > 0) {
        await con.run(
          `CREATE OR REPLACE TABLE latest AS SELECT * FROM ${lakeFiles} l WHERE l.retailer_id = ${sqlString(retailer)} AND ${inSlice('l', slice)} ` +
            `QUALIFY row_number() OVER (PARTITION BY ${KEY.join(', ')} ORDER BY imported_at DESC) = 1`,
        );
        await con.run(`INSERT INTO landing SELECT i.*, ${dt} FROM lines i WHERE NOT EXISTS (SELECT 1 FROM latest l WHERE ${same})`);
      } else {
        await con.run(`INSERT INTO landing SELECT *, ${dt} FROM lines`);
      }
    }
    await con.run('DROP TABLE incoming');
    const duplicates = good - distinct;
    const written = Number((await con.runAndReadAll('SELECT count(*) FROM landing')).getRowsJson()[0]![0]);
    const files = await writePartitions(con, { dataDir: options.dataDir, lake, table: 'orders', source: 'landing', columns: COLUMNS, orderBy: 'ts, order_id, product_id' });
    await recordHealth();
    return { loaded: good, skipped, unchanged: distinct - written, duplicates, errors, files };
  } finally {
    db.close();
    await Promise.all([`${scratch}.duckdb`, `${scratch}.duckdb.wal`, `${scratch}.tmp`].map((p) => rm(p, { recursive: true, force: true })));
  }
}
