/**
 * Lake files landed after the newest checkpoint of a stream: written by a
 * run that crashed before it could commit their checkpoint, so their
 * records will be read again. Ingest remembers their keys before it starts
 * and so does not land those records twice.
 *
 * @example
 * await uncheckpointedFiles(dataDir, 'events', checkpoints) // ['.livelens/lake/events/dt=.../part-...parquet']
 */
import type { StoredCheckpoint } from './checkpoints.ts';
import type { LakeTable } from '../lake/partitions.ts';
import type { LakeObject, LakeStore } from '../lake/lake-store.ts';
import { defaultLakeStore } from '../lake/open-lake-store.ts';

/** Files this close to (or after) the newest checkpoint count as uncheckpointed: covers coarse file-system clocks. */
export const CHECKPOINT_CLOCK_SLACK_MS = 2_000;

export async function uncheckpointedFiles(
  dataDir: string,
  table: LakeTable,
  checkpoints: Iterable<StoredCheckpoint>,
): Promise<string[]> {
  return (await uncheckpointedObjects(defaultLakeStore(dataDir), table, checkpoints)).map((f) => f.path);
}

/** The same, in any lake (a folder or S3: there `mtimeMs` is the object's LastModified). */
export async function uncheckpointedObjects(
  lake: LakeStore,
  table: LakeTable,
  checkpoints: Iterable<StoredCheckpoint>,
): Promise<LakeObject[]> {
  let newest = -Infinity;
  for (const cp of checkpoints) newest = Math.max(newest, Date.parse(cp.updated_at));
  const since = newest - CHECKPOINT_CLOCK_SLACK_MS;
  return (await lake.list(table)).filter((f) => f.mtimeMs >= since);
}
