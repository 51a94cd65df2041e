/**
 * Making a written file durable and visible in one step: fsync its bytes,
 * rename it over its final name (atomic within a folder), then fsync the
 * folder so the rename itself survives a power cut. Readers glob `*.parquet`,
 * so a `*.parquet.tmp` half-write is never seen.
 *
 * @example
 * await publishFile('/lake/events/dt=2026-11-28/part-x.parquet.tmp', '/lake/events/dt=2026-11-28/part-x.parquet');
 */
import { open, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Suffix of a file still being written. */
export const TEMP_SUFFIX = '.tmp';

/** Flushes a file's (or folder's) contents to stable storage. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync `tempPath`, rename it to `finalPath`, fsync the folder. */
export async function publishFile(tempPath: string, finalPath: string): Promise<void> {
  await fsyncPath(tempPath);
  await rename(tempPath, finalPath);
  await fsyncPath(dirname(finalPath));
}

/** Writes `text` to `path` atomically and durably (temp file, fsync, rename). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}${TEMP_SUFFIX}`;
  await writeFile(temp, text);
  await publishFile(temp, path);
}
