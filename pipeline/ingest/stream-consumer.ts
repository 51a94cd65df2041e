/**
 * A checkpointed consumer of one Kinesis stream into one lake table.
 *
 * It reads every ready shard (parents before children), buffers the records
 * across GetRecords calls, and lands the buffer when it holds `flushRows`
 * lines, is `flushAgeMs` old, a shard closed, or the run ends. Only after the
 * Parquet files are durable are the shards' checkpoints committed, so a crash
 * re-reads (never skips) what was not yet checkpointed. Each shard's records
 * land in files named after the shard and the checkpoint they follow
 * (`landingFileName`), so the run after a crash lands what it re-reads under
 * the crashed run's names and replaces those files (on a local lake by an
 * atomic rename, on S3 by a whole-object PUT): the lake holds each record
 * once, not once per attempt.
 *
 * @example
 * const consumer = new StreamConsumer({ client, stream: 'livelens-events', dataDir, lander, once: true });
 * const stats = await consumer.run();
 */
import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import { sleep } from './backoff.ts';
import { CheckpointStore, type StoredCheckpoint } from './checkpoints.ts';
import { AFTER_PARQUET, BETWEEN_SHARDS, crashPoint } from './crash-point.ts';
import type { LandResult, NdjsonLander } from './ndjson-lander.ts';
import type { LakeObject, LakeStore } from '../lake/lake-store.ts';
import { defaultLakeStore } from '../lake/open-lake-store.ts';
import type { LakeTable } from '../lake/partitions.ts';
import { DEAD_LETTERS_TABLE } from './lake-tables.ts';
import { countNdjsonLines } from './ndjson-lines.ts';
import { listShardsAll, readyShards } from './shard-lineage.ts';
import { ShardReader } from './shard-reader.ts';

/** Land the buffer once it holds this many lines (events): files of a sensible size. */
export const FLUSH_ROWS = 100_000;
/** Land the buffer once its oldest record waited this long, so the lake stays fresh. */
export const FLUSH_AGE_MS = 30_000;
/** Pause after a round in which no shard had anything new. */
export const IDLE_POLL_MS = 1_000;
/** Re-list shards this often to notice reshards. */
export const SHARD_REFRESH_MS = 30_000;

export interface ConsumerOptions {
  client: KinesisClient;
  stream: string;
  dataDir: string;
  lander: NdjsonLander;
  /** The lake the lander writes to: with an S3 lake, checkpoints go beside it (checkpoints.ts). */
  lake?: LakeStore;
  /** Read every shard to its current tip, land, checkpoint, return. */
  once?: boolean;
  signal?: AbortSignal;
  flushRows?: number;
  flushAgeMs?: number;
  idlePollMs?: number;
  shardRefreshMs?: number;
  /** Called after each landing (for logs and progress). */
  onFlush?: (flush: FlushInfo) => void;
}

export interface FlushInfo {
  stream: string;
  lines: number;
  landed: number;
  duplicates: number;
  malformed: number;
  deadLettered: number;
  files: string[];
  checkpoints: StoredCheckpoint[];
}

export interface ConsumerStats {
  records: number;
  lines: number;
  landed: number;
  duplicates: number;
  malformed: number;
  /** Of `malformed`, lines kept in lake/dead_letters with the reason. */
  deadLettered: number;
  files: number;
  flushes: number;
  /** Shards read to their end (closed by a reshard) during this run. */
  shardsFinished: number;
}

interface Pending {
  /** Shard -> the records read from it since its checkpoint, in order. */
  chunks: Map<string, Uint8Array[]>;
  lines: number;
  since: number | undefined;
  /** Shard -> last sequence number in `chunks`. */
  positions: Map<string, string>;
  /** Shards read to their end, with their last sequence number. */
  closing: Map<string, string | undefined>;
}

export class StreamConsumer {
  readonly stats: ConsumerStats = { records: 0, lines: 0, landed: 0, duplicates: 0, malformed: 0, deadLettered: 0, files: 0, flushes: 0, shardsFinished: 0 };
  private readonly store: CheckpointStore;
  private readonly readers = new Map<string, ShardReader>();
  private readonly finished = new Set<string>();
  private checkpoints = new Map<string, StoredCheckpoint>();
  private pending: Pending = emptyPending();
  /** Lake files a crashed run may have landed under a name this run lands again: name -> files (see removeStale). */
  private relandable = new Map<string, LakeObject[]>();

  constructor(private readonly opts: ConsumerOptions) {
    this.store = new CheckpointStore(opts.dataDir, opts.stream, opts.lake);
  }

  /** Runs until `signal` aborts (or, with `once`, until every shard is at its tip); lands what it read before returning. */
  async run(): Promise<ConsumerStats> {
    const { signal } = this.opts;
    const flushRows = this.opts.flushRows ?? FLUSH_ROWS;
    const flushAgeMs = this.opts.flushAgeMs ?? FLUSH_AGE_MS;
    const refreshMs = this.opts.shardRefreshMs ?? SHARD_REFRESH_MS;
    this.checkpoints = await this.store.loadAll();
    for (const cp of this.checkpoints.values()) if (cp.closed) this.finished.add(cp.shard_id);
    this.relandable = await this.findRelandable();
    let lastRefresh = -Infinity;
    let needRefresh = true;
    try {
      while (!signal?.aborted) {
        if (needRefresh || Date.now() - lastRefresh >= refreshMs) {
          this.addReadyShards(await listShardsAll(this.opts.client, this.opts.stream, signal));
          lastRefresh = Date.now();
          needRefresh = false;
        }
        if (this.readers.size === 0) {
          if (this.opts.once) break;
          await sleep(this.opts.idlePollMs ?? IDLE_POLL_MS, signal);
          continue;
        }
        const batches = await Promise.all([...this.readers.values()].map(async (r) => ({ reader: r, batch: await r.next() })));
        let gotAny = false;
        let allAtTip = true;
        for (const { reader, batch } of batches) {
          if (batch.records.length > 0) {
            gotAny = true;
            this.append(reader.shardId, batch.records.map((r) => r.Data!), batch.lastSequenceNumber!);
          }
          if (!batch.atTip) allAtTip = false;
          if (batch.closed) {
            this.pending.closing.set(reader.shardId, batch.lastSequenceNumber);
            this.readers.delete(reader.shardId);
            needRefresh = true;
          }
        }
        const p = this.pending;
        // A closed shard is landed at once: its children wait for its checkpoint.
        if (p.closing.size > 0 || p.lines >= flushRows || (p.since !== undefined && Date.now() - p.since >= flushAgeMs)) {
          await this.flush();
        }
        if (this.opts.once && allAtTip && !needRefresh) break;
        if (!gotAny && !needRefresh) await sleep(this.opts.idlePollMs ?? IDLE_POLL_MS, signal);
      }
    } catch (err) {
      // An abort interrupts a call in flight; what was read before it is still landed below.
      if (!signal?.aborted) throw err;
    }
    await this.flush();
    return this.stats;
  }

  private addReadyShards(shards: Shard[]): void {
    const closed = new Set(shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber).map((s) => s.ShardId!));
    for (const id of readyShards(shards, this.finished)) {
      if (this.readers.has(id) || this.pending.closing.has(id)) continue;
      const from = this.pending.positions.get(id) ?? this.checkpoints.get(id)?.sequence_number;
      this.readers.set(id, new ShardReader(this.opts.client, this.opts.stream, id, from, this.opts.signal, closed.has(id)));
    }
  }

  private append(shardId: string, data: Uint8Array[], lastSequenceNumber: string): void {
    const p = this.pending;
    const chunks = p.chunks.get(shardId) ?? [];
    chunks.push(...data);
    p.chunks.set(shardId, chunks);
    p.lines += countNdjsonLines(data);
    p.since ??= Date.now();
    p.positions.set(shardId, lastSequenceNumber);
    this.stats.records += data.length;
  }

  /**
   * Lands the buffer, then (only then) commits the checkpoints of the shards it came from.
   * Each shard's records land in files of their own, named after the shard and the checkpoint
   * they were read from (landingFileName): a run that crashed before committing a checkpoint
   * landed that shard's records under the name the next run lands them under again, so the
   * re-landing replaces the files (the same records and any read since) instead of adding copies.
   */
  private async flush(): Promise<void> {
    const p = this.pending;
    if (p.chunks.size === 0 && p.closing.size === 0) return;
    const result: LandResult = { lines: 0, landed: 0, duplicates: 0, malformed: 0, deadLettered: 0, files: [] };
    for (const [shardId, chunks] of p.chunks) {
      const name = landingFileName(this.opts.stream, shardId, this.checkpoints.get(shardId)?.sequence_number);
      const r = await this.opts.lander.land(chunks, name, `stream ${this.opts.stream} shard ${shardId}`);
      await this.removeStale(name, r.files);
      result.lines += r.lines;
      result.landed += r.landed;
      result.duplicates += r.duplicates;
      result.malformed += r.malformed;
      result.deadLettered += r.deadLettered;
      result.files.push(...r.files);
    }
    if (result.files.length > 0) crashPoint(AFTER_PARQUET);
    const committed: StoredCheckpoint[] = [];
    const shards = new Set([...p.positions.keys(), ...p.closing.keys()]);
    for (const shardId of shards) {
      if (committed.length === 1) crashPoint(BETWEEN_SHARDS);
      const sequence_number = p.positions.get(shardId) ?? p.closing.get(shardId) ?? this.checkpoints.get(shardId)?.sequence_number;
      const closed = p.closing.has(shardId);
      const cp = await this.store.save({ shard_id: shardId, ...(sequence_number !== undefined ? { sequence_number } : {}), closed });
      this.checkpoints.set(shardId, cp);
      committed.push(cp);
      if (closed) {
        this.finished.add(shardId);
        this.stats.shardsFinished++;
      }
    }
    this.pending = emptyPending();
    const s = this.stats;
    s.lines += result.lines;
    s.landed += result.landed;
    s.duplicates += result.duplicates;
    s.malformed += result.malformed;
    s.deadLettered += result.deadLettered;
    s.files += result.files.length;
    s.flushes++;
    this.opts.onFlush?.({ stream: this.opts.stream, ...result, checkpoints: committed });
  }

  /**
   * The files of this stream's landings that no checkpoint confirms yet: named after a shard's
   * current checkpoint (or after its start, for a shard without one). They are what a crash
   * left; this run lands their records again under the same names.
   */
  private async findRelandable(): Promise<Map<string, LakeObject[]>> {
    const lake = this.opts.lake ?? defaultLakeStore(this.opts.dataDir);
    const prefix = landingFileName(this.opts.stream, '', undefined).split('-after-')[0]!;
    const current = new Set([...this.checkpoints.values()].map((cp) => landingFileName(this.opts.stream, cp.shard_id, cp.sequence_number)));
    const found = new Map<string, LakeObject[]>();
    for (const table of new Set([this.opts.lander.table, DEAD_LETTERS_TABLE.table])) {
      for (const o of await lake.list(table)) {
        const name = o.key.slice(o.key.lastIndexOf('/') + 1).replace(/-rescued\.parquet$/, '.parquet');
        if (!name.startsWith(prefix)) continue;
        if (current.has(name) || name.endsWith('-after-start.parquet')) found.set(name, [...(found.get(name) ?? []), o]);
      }
    }
    return found;
  }

  /**
   * After the first landing under a name a crashed run used: its files in partitions this
   * landing did not write again (the crashed run had read further, into another day) hold
   * records landed again elsewhere, so they are deleted. Files it wrote again were replaced.
   */
  private async removeStale(name: string, written: readonly string[]): Promise<void> {
    const old = this.relandable.get(name);
    if (!old) return;
    this.relandable.delete(name);
    const lake = this.opts.lake ?? defaultLakeStore(this.opts.dataDir);
    for (const o of old) {
      if (written.some((w) => w.endsWith(o.key))) continue;
      const [table, dt, file] = o.key.split('/') as [LakeTable, string, string];
      await lake.remove(table, dt.replace(/^dt=/, ''), file);
    }
  }
}

function emptyPending(): Pending {
  return { chunks: new Map(), lines: 0, since: undefined, positions: new Map(), closing: new Map() };
}

/**
 * The Parquet file name (the same in every `dt` partition) of a shard's records read after
 * `checkpoint` (its sequence number; none: from the shard's start). Deterministic, so a
 * landing repeated after a crash replaces its files. Shard ids are `[A-Za-z0-9_.-]`.
 */
export function landingFileName(stream: string, shardId: string, checkpoint: string | undefined): string {
  const safe = (t: string) => t.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${safe(stream)}-${safe(shardId)}-after-${checkpoint ?? 'start'}.parquet`;
}
