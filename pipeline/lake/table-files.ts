/**
 * The Parquet files of a lake table, found on disk (not by a glob, which
 * DuckDB rejects when nothing matches).
 *
 * @example
 * await listTableFiles('.livelens', 'orders') // [{ path: '.livelens/lake/orders/dt=2026-11-28/part-...parquet', mtimeMs: 1764300000000 }]
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tableDir, type LakeTable } from './partitions.ts';

export interface LakeFile {
  path: string;
  mtimeMs: number;
}

/** A Parquet file under a table's `dt=` folders. */
export interface PartitionFile {
  /** The partition folder, `dt=YYYY-MM-DD`. */
  dt: string;
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The `*.parquet` files under `root`'s `dt=` folders, in partition then name order; none when
 * `root` does not exist. A file removed between the listing and its stat is left out.
 */
export async function listPartitionFiles(root: string): Promise<PartitionFile[]> {
  let partitions: string[];
  try {
    partitions = (await readdir(root)).filter((d) => d.startsWith('dt='));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: PartitionFile[] = [];
  for (const dt of partitions.sort()) {
    for (const name of (await readdir(join(root, dt))).sort()) {
      if (!name.endsWith('.parquet')) continue;
      const path = join(root, dt, name);
      const s = await stat(path).catch(() => undefined);
      if (s) out.push({ dt, name, path, size: s.size, mtimeMs: s.mtimeMs });
    }
  }
  return out;
}

export async function listTableFiles(dataDir: string, table: LakeTable): Promise<LakeFile[]> {
  return (await listPartitionFiles(tableDir(dataDir, table))).map(({ path, mtimeMs }) => ({ path, mtimeMs }));
}
