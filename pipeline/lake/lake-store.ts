/**
 * One lake, two places: a local folder or an S3 prefix (lake-location.ts).
 * Writers (ingest, orders import) stage each Parquet file locally, then
 * `publish` it: locally an fsync and an atomic rename, on S3 a (multipart)
 * upload that is visible only once complete. Either way a reader never sees
 * half a file, and `publish` resolves only when the file is durable, which
 * is what lets ingest commit a shard's checkpoint after it.
 *
 * Beside the lake, small `sidecar` text objects (ingest's checkpoints when
 * the lake is on S3: see pipeline/ingest/checkpoints.ts).
 *
 * @example
 * const lake = openLakeStore(resolveLakeLocation({ dataDir }), { dataDir });
 * const temp = await lake.stagingPath('events', '2026-11-28', 'part-x.parquet');
 * // ... COPY ... TO temp ...
 * await lake.publish(temp, 'events', '2026-11-28', 'part-x.parquet'); // '.../events/dt=2026-11-28/part-x.parquet' or 's3://...'
 */
import type { LakeLocation } from './lake-location.ts';
import type { LakeTable } from './partitions.ts';

/** One Parquet file of a lake table. */
export interface LakeObject {
  /** Local path, or `s3://bucket/key`. */
  path: string;
  /** Path inside the lake: `<table>/dt=YYYY-MM-DD/<name>`. */
  key: string;
  size: number;
  /** Last modification (local mtime, or S3 LastModified). */
  mtimeMs: number;
}

export interface LakeStore {
  readonly location: LakeLocation;
  /** Where to write a file before publishing it (same folder locally, so the rename is atomic). */
  stagingPath(table: LakeTable, dt: string, name: string): Promise<string>;
  /** Makes a staged file the lake file `<table>/dt=<dt>/<name>` (durable when this resolves); returns its path or URL. */
  publish(stagedPath: string, table: LakeTable, dt: string, name: string): Promise<string>;
  /** Deletes the lake file `<table>/dt=<dt>/<name>` (nothing when absent): a stale file a re-landing did not replace. */
  remove(table: LakeTable, dt: string, name: string): Promise<void>;
  /** Every Parquet file of a table, sorted by key. */
  list(table: LakeTable): Promise<LakeObject[]>;
  /** Local paths DuckDB can read for these files (a local lake: the files themselves; S3: cached downloads). */
  localCopies(objects: readonly LakeObject[]): Promise<string[]>;
  /** Text of a sidecar object (`checkpoints/<stream>/<shard>.json`), undefined when absent. */
  readSidecar(name: string): Promise<string | undefined>;
  /** Names of the sidecar objects under a folder (`checkpoints/<stream>`), sorted. */
  listSidecars(folder: string): Promise<string[]>;
  /** Writes a sidecar object atomically and durably. */
  writeSidecar(name: string, text: string): Promise<void>;
  /** Writes a small text object inside the lake, `<lake>/<key>` (data health counts), atomically and durably. */
  writeText(key: string, text: string): Promise<void>;
  /**
   * A local folder mirroring the lake's objects under `folders` (`events`,
   * `health/order_imports`): a local lake is that folder itself; an S3 lake
   * downloads what its cache lacks (lake objects never change, only land).
   */
  mirror(folders: readonly string[]): Promise<string>;
  close(): void;
}

/** Sidecar folder beside an S3 lake's tables (`<prefix>/_livelens/...`); Athena's table locations never include it. */
export const S3_SIDECAR_PREFIX = '_livelens';

/** Partition folder name of a day. */
export function partitionName(dt: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dt)) throw new Error(`partition date "${dt}" is not YYYY-MM-DD`);
  return `dt=${dt}`;
}

/** A key inside the lake split into path parts; refuses an empty part, `.` or `..` (a key never leaves the lake). */
export function lakeKeyParts(key: string): string[] {
  const parts = key.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new Error(`lake key "${key}" is not allowed: use names separated by single /, without . or ..`);
  return parts;
}
