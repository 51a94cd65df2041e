/**
 * A checkpointed consumer of one Kinesis stream into one lake table.
 *
 * It reads every ready shard (parents before children), buffers the records
 * across GetRecords calls, and lands the buffer when it holds `flushRows`
 * lines, is `flushAgeMs` old, a shard closed, or the run ends. Only after the
 * Parquet files are durable are the shards' checkpoints committed, so a crash
 * re-reads (never skips) what was not yet checkpointed.
 *
 * @example
 * const consumer = new StreamConsumer({ client, stream: 'livelens-events', dataDir, lander, once: true });
 * const stats = await consumer.run();
 */
import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import { sleep } from './backoff.ts';
import { CheckpointStore, type StoredCheckpoint } from './checkpoints.ts';
import { AFTER_PARQUET, BETWEEN_SHARDS, crashPoint } from './crash-point.ts';
import type { NdjsonLander } from './ndjson-lander.ts';
import type { LakeStore } from '../lake/lake-store.ts';
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
  chunks: Uint8Array[];
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
    p.chunks.push(...data);
    p.lines += countNdjsonLines(data);
    p.since ??= Date.now();
    p.positions.set(shardId, lastSequenceNumber);
    this.stats.records += data.length;
  }

  /** Lands the buffer, then (only then) commits the checkpoints of the shards it came from. */
  private async flush(): Promise<void> {
    const p = this.pending;
    if (p.chunks.length === 0 && p.closing.size === 0) return;
    const result = p.chunks.length > 0 ? await this.opts.lander.land(p.chunks, undefined, `stream ${this.opts.stream}`) : { lines: 0, landed: 0, duplicates: 0, malformed: 0, deadLettered: 0, files: [] };
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
}

function emptyPending(): Pending {
  return { chunks: [], lines: 0, since: undefined, positions: new Map(), closing: new Map() };
}
