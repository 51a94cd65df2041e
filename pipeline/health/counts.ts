/**
 * Counts that leave no row in the lake but that data health (docs/spec.md
 * §8) reports: duplicate deliveries dropped at ingest and order lines
 * refused at import (with the lines imported beside them). Ingest and
 * orders import record them here, in the lake, so they survive restarts:
 *
 *   lake/health/ingest_duplicates/dt=YYYY-MM-DD/<id>.ndjson   {retailer_id, day, duplicates}
 *   lake/health/order_imports/dt=YYYY-MM-DD/<id>.ndjson       {retailer_id, day, imported, refused}
 *
 * `day` is the UTC day of `received_at` (events) or of the import.
 * Each file is written whole and renamed into place (never half-read).
 *
 * @example
 * await recordOrderImport(dataDir, { retailer: 'acme', imported: 120, refused: 2, at: Date.now() });
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LAKE_DIR } from '../../contract/lake.ts';
import { publishFile, TEMP_SUFFIX } from '../lake/durable-file.ts';

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

async function writeCounts(dataDir: string, table: string, rows: ReadonlyArray<{ day: string }>): Promise<void> {
  const byDay = new Map<string, Array<{ day: string }>>();
  for (const r of rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
  for (const [day, dayRows] of byDay) {
    const dir = join(dataDir, LAKE_DIR, HEALTH_DIR, table, `dt=${day}`);
    await mkdir(dir, { recursive: true });
    const name = `${Date.now()}-${randomBytes(6).toString('hex')}.ndjson`;
    const temp = join(dir, `${name}${TEMP_SUFFIX}`);
    await writeFile(temp, dayRows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await publishFile(temp, join(dir, name));
  }
}

/** Records one import's order lines imported and refused (nothing when both are 0). */
export async function recordOrderImport(dataDir: string, o: { retailer: string; imported: number; refused: number; at: number }): Promise<void> {
  if (o.imported === 0 && o.refused === 0) return;
  const row: OrderImportCount = { retailer_id: o.retailer, day: utcDay(o.at), imported: o.imported, refused: o.refused };
  await writeCounts(dataDir, ORDER_IMPORTS_TABLE, [row]);
}

/**
 * Records the duplicates a landing dropped, per retailer and day of
 * `received_at`, from the lander's table of usable rows (`keep` false: a
 * duplicate). Nothing is written when there were none.
 */
export async function recordIngestDuplicates(con: DuckDBConnection, dataDir: string, usableTable: string): Promise<void> {
  const reader = await con.runAndReadAll(
    `SELECT retailer_id, strftime(epoch_ms(received_at), '%Y-%m-%d') AS day, count(*) AS duplicates FROM ${usableTable} WHERE NOT keep GROUP BY ALL`,
  );
  const rows: IngestDuplicateCount[] = reader.getRowsJS().map((r) => ({ retailer_id: String(r[0] ?? 'unknown'), day: String(r[1]), duplicates: Number(r[2]) }));
  if (rows.length > 0) await writeCounts(dataDir, INGEST_DUPLICATES_TABLE, rows);
}
