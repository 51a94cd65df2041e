/**
 * Per-shard checkpoints: `<dataDir>/checkpoints/<stream>/<shardId>.json`,
 * each written atomically (temp file, fsync, rename). A checkpoint names the
 * last sequence number whose events are durable in the lake; ingest resumes
 * AFTER it. `closed` marks a shard read to its end (after a reshard), which
 * is what lets its child shards start.
 *
 * @example
 * const store = new CheckpointStore('.livelens', 'livelens-events');
 * await store.save({ shard_id: 'shardId-000000000000', sequence_number: '4959...', closed: false });
 * (await store.loadAll()).get('shardId-000000000000')?.sequence_number
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../lake/durable-file.ts';
import { CHECKPOINTS_DIR } from '../../contract/data-dir.ts';

export interface ShardCheckpoint {
  shard_id: string;
  /** Last sequence number landed; absent when the shard was closed before any record was read. */
  sequence_number?: string;
  /** The shard is closed and every record of it is landed. */
  closed: boolean;
}

export interface StoredCheckpoint extends ShardCheckpoint {
  stream: string;
  /** When the checkpoint was committed (ISO 8601). */
  updated_at: string;
}

export class CheckpointStore {
  readonly dir: string;

  constructor(dataDir: string, readonly stream: string) {
    this.dir = join(dataDir, CHECKPOINTS_DIR, stream);
  }

  /** All checkpoints of the stream by shard id; an unreadable file is an error (never silently re-read from the start). */
  async loadAll(): Promise<Map<string, StoredCheckpoint>> {
    const out = new Map<string, StoredCheckpoint>();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const path = join(this.dir, name);
      let cp: StoredCheckpoint;
      try {
        cp = JSON.parse(await readFile(path, 'utf8')) as StoredCheckpoint;
      } catch (err) {
        throw new Error(`checkpoint ${path} is not valid JSON (${(err as Error).message}); fix or delete it to re-read that shard from the start`);
      }
      if (typeof cp.shard_id !== 'string' || typeof cp.closed !== 'boolean') {
        throw new Error(`checkpoint ${path} lacks shard_id (string) or closed (boolean)`);
      }
      out.set(cp.shard_id, cp);
    }
    return out;
  }

  /** Commits one shard's checkpoint durably. */
  async save(cp: ShardCheckpoint): Promise<StoredCheckpoint> {
    await mkdir(this.dir, { recursive: true });
    const stored: StoredCheckpoint = { stream: this.stream, ...cp, updated_at: new Date().toISOString() };
    await writeFileAtomic(join(this.dir, `${cp.shard_id}.json`), JSON.stringify(stored, null, 2) + '\n');
    return stored;
  }
}
