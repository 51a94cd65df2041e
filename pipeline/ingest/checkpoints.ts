/**
 * Per-shard checkpoints: `<dataDir>/checkpoints/<stream>/<shardId>.json`,
 * each written atomically (temp file, fsync, rename). A checkpoint names the
 * last sequence number whose events are durable in the lake; ingest resumes
 * AFTER it. `closed` marks a shard read to its end (after a reshard), which
 * is what lets its child shards start.
 *
 * @example
 *
 * Where: a local lake keeps them in the data dir, as above. A lake on S3
 * keeps them on S3 beside it, `<prefix>/_livelens/checkpoints/<stream>/<shardId>.json`
 * (one PUT each, atomic): a checkpoint says "these records are in the
 * lake", so it lives exactly as long as the lake does. Ingest on AWS runs
 * as a Fargate task whose disk goes with the task; checkpoints there would
 * be lost at every restart or deploy, and the next task would re-read the
 * stream's whole retention. The lock (consumer-lock.ts) stays local: on
 * AWS the stack runs exactly one ingest task (deploy/).
 *
 * const store = new CheckpointStore('.livelens', 'livelens-events');
 * await store.save({ shard_id: 'shardId-000000000000', sequence_number: '4959...', closed: false });
 * (await store.loadAll()).get('shardId-000000000000')?.sequence_number
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../lake/durable-file.ts';
import { CHECKPOINTS_DIR } from '../../contract/data-dir.ts';
import { S3_SIDECAR_PREFIX, type LakeStore } from '../lake/lake-store.ts';

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

  /** With an S3 `lake`, checkpoints are sidecars beside it (see above); otherwise files under the data dir. */
  private readonly remote: LakeStore | undefined;

  constructor(dataDir: string, readonly stream: string, lake?: LakeStore) {
    const where = lake?.location;
    this.remote = where?.kind === 's3' ? lake : undefined;
    this.dir = where?.kind === 's3' ? `${where.url}/${S3_SIDECAR_PREFIX}/${CHECKPOINTS_DIR}/${stream}` : join(dataDir, CHECKPOINTS_DIR, stream);
  }

  private async names(): Promise<string[]> {
    if (this.remote) return this.remote.listSidecars(`${CHECKPOINTS_DIR}/${this.stream}`);
    try {
      return await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private async read(name: string): Promise<string> {
    if (!this.remote) return readFile(join(this.dir, name), 'utf8');
    const text = await this.remote.readSidecar(`${CHECKPOINTS_DIR}/${this.stream}/${name}`);
    if (text === undefined) throw new Error('it disappeared while being read');
    return text;
  }

  /** All checkpoints of the stream by shard id; an unreadable file is an error (never silently re-read from the start). */
  async loadAll(): Promise<Map<string, StoredCheckpoint>> {
    const out = new Map<string, StoredCheckpoint>();
    for (const name of (await this.names()).filter((n) => n.endsWith('.json'))) {
      const path = `${this.dir}/${name}`;
      let cp: StoredCheckpoint;
      try {
        cp = JSON.parse(await this.read(name)) as StoredCheckpoint;
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
    const stored: StoredCheckpoint = { stream: this.stream, ...cp, updated_at: new Date().toISOString() };
    const text = JSON.stringify(stored, null, 2) + '\n';
    if (this.remote) {
      await this.remote.writeSidecar(`${CHECKPOINTS_DIR}/${this.stream}/${cp.shard_id}.json`, text);
      return stored;
    }
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, `${cp.shard_id}.json`), text);
    return stored;
  }
}
