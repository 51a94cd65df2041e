/**
 * Counts that leave no row in the lake but that data health (docs/spec.md
 * §8) reports: duplicate deliveries dropped at ingest and order lines
 * refused at import (with the lines imported beside them). Ingest and
 * orders import record them here, in the lake, so they survive restarts:
 *
 *   lake/health/ingest_duplicates/dt=YYYY-MM-DD/<id>.ndjson   {retailer_id, day, duplicates}
 *   lake/health/order_imports/dt=YYYY-MM-DD/<id>.ndjson       {retailer_id, day, imported, refused}
 *
 * `day` is the UTC day of `received_at` (events) or of the import. They go
 * through the lake store, so they land wherever the lake is: a folder (each
 * file written whole, fsynced and renamed into place) or S3 (one PUT: an
 * object is seen whole or not at all), `<prefix>/health/...`.
 *
 * @example
 * await recordOrderImport(lake, { retailer: 'acme', imported: 120, refused: 2, at: Date.now() });
 */
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LakeStore } from '../lake/lake-store.ts';
import { defaultLakeStore } from '../lake/open-lake-store.ts';

/** Folder of the health counts under the lake. */
export const HEALTH_DIR = 'health';
export const INGEST_DUPLICATES_TABLE = 'ingest_duplicates';
export const ORDER_IMPORTS_TABLE = 'order_imports';

export interface IngestDuplicateCount {
  retailer_id: string;
  day: string;
  duplicates: number;
}

export interface OrderImportCount {
  retailer_id: string;
  day: string;
  imported: number;
  refused: number;
}

/** YYYY-MM-DD (UTC) of epoch ms. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Folders of the health counts inside the lake, for readers (`lake.mirror`). */
export const HEALTH_FOLDERS = [`${HEALTH_DIR}/${INGEST_DUPLICATES_TABLE}`, `${HEALTH_DIR}/${ORDER_IMPORTS_TABLE}`] as const;

/** The lake store to record into: the one given, or the default lake of a data dir. */
function storeOf(lake: LakeStore | string): LakeStore {
  return typeof lake === 'string' ? defaultLakeStore(lake) : lake;
}

async function writeCounts(lake: LakeStore, table: string, rows: ReadonlyArray<{ day: string }>): Promise<void> {
  const byDay = new Map<string, Array<{ day: string }>>();
  for (const r of rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
  for (const [day, dayRows] of byDay) {
    const name = `${Date.now()}-${randomBytes(6).toString('hex')}.ndjson`;
    await lake.writeText(`${HEALTH_DIR}/${table}/dt=${day}/${name}`, dayRows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}

/** Records one import's order lines imported and refused (nothing when both are 0). */
export async function recordOrderImport(lake: LakeStore | string, o: { retailer: string; imported: number; refused: number; at: number }): Promise<void> {
  if (o.imported === 0 && o.refused === 0) return;
  const row: OrderImportCount = { retailer_id: o.retailer, day: utcDay(o.at), imported: o.imported, refused: o.refused };
  await writeCounts(storeOf(lake), ORDER_IMPORTS_TABLE, [row]);
}

/**
 * Records the duplicates a landing dropped, per retailer and day of
 * `received_at`, from the lander's table of usable rows (`keep` false: a
 * duplicate). Nothing is written when there were none.
 */
export async function recordIngestDuplicates(con: DuckDBConnection, lake: LakeStore | string, usableTable: string): Promise<void> {
  const reader = await con.runAndReadAll(
    `SELECT retailer_id, strftime(epoch_ms(received_at), '%Y-%m-%d') AS day, count(*) AS duplicates FROM ${usableTable} WHERE NOT keep GROUP BY ALL`,
  );
  const rows: IngestDuplicateCount[] = reader.getRowsJS().map((r) => ({ retailer_id: String(r[0] ?? 'unknown'), day: String(r[1]), duplicates: Number(r[2]) }));
  if (rows.length > 0) await writeCounts(storeOf(lake), INGEST_DUPLICATES_TABLE, rows);
}
