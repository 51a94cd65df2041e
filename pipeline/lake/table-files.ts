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

export async function listTableFiles(dataDir: string, table: LakeTable): Promise<LakeFile[]> {
  const root = tableDir(dataDir, table);
  let partitions: string[];
  try {
    partitions = (await readdir(root)).filter((d) => d.startsWith('dt='));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: LakeFile[] = [];
  for (const dt of partitions.sort()) {
    for (const name of (await readdir(join(root, dt))).sort()) {
      if (!name.endsWith('.parquet')) continue;
      const path = join(root, dt, name);
      out.push({ path, mtimeMs: (await stat(path)).mtimeMs });
    }
  }
  return out;
}
