/**
 * The lake as a local folder: files staged as `*.parquet.tmp` in their
 * partition folder, fsynced, renamed (durable-file.ts). Sidecars are not
 * used for a local lake (checkpoints stay in the data dir), but work the
 * same way under `<lake>/_livelens/` for symmetry.
 *
 * @example
 * const lake = new LocalLakeStore({ kind: 'local', dir: '/srv/lake', setting: 'LIVELENS_LAKE' });
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncPath, publishFile, TEMP_SUFFIX, writeFileAtomic } from './durable-file.ts';
import type { LakeLocation, LocalLake } from './lake-location.ts';
import { lakeKeyParts, partitionName, S3_SIDECAR_PREFIX, type LakeObject, type LakeStore } from './lake-store.ts';
import type { LakeTable } from './partitions.ts';
import { listPartitionFiles } from './table-files.ts';

export class LocalLakeStore implements LakeStore {
  readonly dir: string;

  constructor(readonly location: LocalLake & LakeLocation) {
    this.dir = location.dir;
  }

  private filePath(table: LakeTable, dt: string, name: string): string {
    return join(this.dir, table, partitionName(dt), name);
  }

  async stagingPath(table: LakeTable, dt: string, name: string): Promise<string> {
    const path = this.filePath(table, dt, name);
    await mkdir(dirname(path), { recursive: true });
    return path + TEMP_SUFFIX;
  }

  async publish(stagedPath: string, table: LakeTable, dt: string, name: string): Promise<string> {
    const path = this.filePath(table, dt, name);
    await publishFile(stagedPath, path);
    return path;
  }

  async remove(table: LakeTable, dt: string, name: string): Promise<void> {
    const path = this.filePath(table, dt, name);
    await rm(path, { force: true });
    await fsyncPath(dirname(path)).catch(() => undefined);
  }

  async list(table: LakeTable): Promise<LakeObject[]> {
    const files = await listPartitionFiles(join(this.dir, table));
    return files.map(({ dt, name, path, size, mtimeMs }) => ({ path, key: `${table}/${dt}/${name}`, size, mtimeMs }));
  }

  async localCopies(objects: readonly LakeObject[]): Promise<string[]> {
    return objects.map((o) => o.path);
  }

  private sidecarPath(name: string): string {
    return join(this.dir, S3_SIDECAR_PREFIX, ...name.split('/'));
  }

  async readSidecar(name: string): Promise<string | undefined> {
    try {
      return await readFile(this.sidecarPath(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async listSidecars(folder: string): Promise<string[]> {
    try {
      return (await readdir(this.sidecarPath(folder))).filter((n) => !n.endsWith(TEMP_SUFFIX)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async writeSidecar(name: string, text: string): Promise<void> {
    const path = this.sidecarPath(name);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  }

  async writeText(key: string, text: string): Promise<void> {
    const path = join(this.dir, ...lakeKeyParts(key));
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  }

  async mirror(): Promise<string> {
    return this.dir;
  }

  close(): void {}
}
