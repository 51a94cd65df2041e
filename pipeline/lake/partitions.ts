/**
 * Where lake files go (contract/lake.ts): `<dataDir>/lake/<table>/dt=YYYY-MM-DD/`,
 * and how they are named.
 *
 * @example
 * partitionDir('.livelens', 'events', '2026-11-28') // '.livelens/lake/events/dt=2026-11-28'
 * newPartFileName()                                  // 'part-20261128T033501123Z-4f1c2a9b.parquet'
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LAKE_DIR, LAKE_TABLES } from '../../contract/lake.ts';

export type LakeTable = (typeof LAKE_TABLES)[keyof typeof LAKE_TABLES];

/** UTC calendar date of an epoch-ms instant, `YYYY-MM-DD`. */
export function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Folder of one table (all partitions). */
export function tableDir(dataDir: string, table: LakeTable): string {
  return join(dataDir, LAKE_DIR, table);
}

/** Folder of one Hive partition of a table. */
export function partitionDir(dataDir: string, table: LakeTable, dt: string): string {
  return join(tableDir(dataDir, table), `dt=${dt}`);
}

/**
 * A new, unique Parquet file name: the write time first (so a listing sorts
 * by landing order), then random bits (so two writers never collide).
 */
export function newPartFileName(now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  return `part-${stamp}-${randomBytes(4).toString('hex')}.parquet`;
}

/** Glob over every Parquet file of a table, for `read_parquet(..., hive_partitioning = true)`. */
export function tableGlob(dataDir: string, table: LakeTable): string {
  return join(tableDir(dataDir, table), 'dt=*', '*.parquet');
}
