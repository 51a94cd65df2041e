/**
 * Lake files landed after the newest checkpoint of a stream: written by a
 * run that crashed before it could commit their checkpoint, so their
 * records will be read again. Ingest remembers their keys before it starts
 * and so does not land those records twice.
 *
 * @example
 * await uncheckpointedFiles(dataDir, 'events', checkpoints) // ['.livelens/lake/events/dt=.../part-...parquet']
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredCheckpoint } from './checkpoints.ts';
import { tableDir, type LakeTable } from '../lake/partitions.ts';

/** Files this close to (or after) the newest checkpoint count as uncheckpointed: covers coarse file-system clocks. */
export const CHECKPOINT_CLOCK_SLACK_MS = 2_000;

export async function uncheckpointedFiles(
  dataDir: string,
  table: LakeTable,
  checkpoints: Iterable<StoredCheckpoint>,
): Promise<string[]> {
  let newest = -Infinity;
  for (const cp of checkpoints) newest = Math.max(newest, Date.parse(cp.updated_at));
  const since = newest - CHECKPOINT_CLOCK_SLACK_MS;
  const root = tableDir(dataDir, table);
  let partitions: string[];
  try {
    partitions = (await readdir(root)).filter((d) => d.startsWith('dt='));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const dt of partitions) {
    for (const name of await readdir(join(root, dt))) {
      if (!name.endsWith('.parquet')) continue;
      const path = join(root, dt, name);
      if ((await stat(path)).mtimeMs >= since) out.push(path);
    }
  }
  return out.sort();
}
