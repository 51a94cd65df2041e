/**
 * Lands the collector's dead-letter segments (`<dataDir>/dead-letters/*.ndjson`,
 * sealed; `*.ndjson.open` is still being written and is left alone) in
 * `lake/dead_letters/`, then deletes each segment. A segment's Parquet file
 * is named after the segment, so landing it again after a crash (before the
 * delete) replaces its file instead of adding a copy: exactly once.
 *
 * @example
 * await landDeadLetterSegments(dataDir, lander) // { segments: 2, landed: 17, malformed: 0, deadLettered: 0 }
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEAD_LETTERS_DIR, SEALED_SEGMENT_SUFFIX } from '../../contract/data-dir.ts';
import type { NdjsonLander } from './ndjson-lander.ts';


export interface SpoolLandStats {
  segments: number;
  landed: number;
  malformed: number;
  /** Lines the lake could not read as they were, kept escaped or with the reason. */
  deadLettered: number;
}

export async function landDeadLetterSegments(dataDir: string, lander: NdjsonLander): Promise<SpoolLandStats> {
  const dir = join(dataDir, DEAD_LETTERS_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(SEALED_SEGMENT_SUFFIX)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { segments: 0, landed: 0, malformed: 0, deadLettered: 0 };
    throw err;
  }
  const stats: SpoolLandStats = { segments: 0, landed: 0, malformed: 0, deadLettered: 0 };
  for (const name of names) {
    const path = join(dir, name);
    const result = await lander.land([await readFile(path)], `spool-${name.slice(0, -SEALED_SEGMENT_SUFFIX.length)}.parquet`, `dead-letter segment ${name}`);
    const unlanded = result.lines - result.landed - result.duplicates - result.deadLettered;
    if (unlanded !== 0) throw new Error(`dead-letter segment ${path}: ${unlanded} of its ${result.lines} lines were not landed; the segment is kept`);
    await rm(path, { force: true });
    stats.segments++;
    stats.landed += result.landed;
    stats.malformed += result.malformed;
    stats.deadLettered += result.deadLettered;
  }
  return stats;
}
