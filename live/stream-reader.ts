/**
 * The live view's own reader of the event stream (docs/spec.md §8): every
 * shard from `startAt` (AT_TIMESTAMP, no checkpoint: it is a view, not a
 * copy), each shard polled at most once per `pollIntervalMs`, children of a
 * closed shard followed, throttling and transient errors backed off. It sees
 * the events of every collector writing to the stream.
 *
 * @example
 * const reader = new LiveStreamReader({ client, stream: 'livelens-events', startAt: Date.now() - 300_000, onEvents: (evs) => evs.forEach((e) => agg.add(e)) });
 * const done = reader.run(); ...; reader.stop(); await done;
 */
import { GetRecordsCommand, GetShardIteratorCommand, type GetShardIteratorCommandInput, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { EnrichedEvent } from '../contract/enriched.ts';
import { unpackRecord } from '../contract/record-format.ts';
import { backoffMs, sleep } from '../pipeline/ingest/backoff.ts';
import { listShardsAll } from '../pipeline/ingest/shard-lineage.ts';
import type { Logger } from '../collector/log.ts';

/** Each shard is asked for records at most once per this interval (docs/spec.md: at most once a second). */
export const LIVE_POLL_INTERVAL_MS = 1_000;
/** Records asked for per GetRecords call. */
export const LIVE_GET_RECORDS_LIMIT = 1_000;
/**
 * An AT_TIMESTAMP iterator not given within this long is taken as "no record
 * since then" and asked again from the time of the ask: kinesalite never
 * answers AT_TIMESTAMP on a shard with no record at or after the timestamp
 * (real Kinesis does at once).
 */
export const AT_TIMESTAMP_TIMEOUT_MS = 1_500;
/** Slack when asking again from the time of a previous ask (clock granularity). */
export const AT_TIMESTAMP_SLACK_MS = 1_000;
/** Shards are re-listed this often to notice a reshard (a closed shard re-lists at once). */
export const LIVE_SHARD_REFRESH_MS = 30_000;

/** Error names that mean "slow down and try again". */
const THROTTLED = new Set(['ProvisionedThroughputExceededException', 'LimitExceededException', 'ThrottlingException', 'KMSThrottlingException']);

export interface LiveReaderOptions {
  client: KinesisClient;
  stream: string;
  /** Epoch ms to start from (the live view passes `now − window`). */
  startAt: number;
  onEvents: (events: EnrichedEvent[]) => void;
  /** A stream line that is not JSON. */
  onMalformed?: () => void;
  pollIntervalMs?: number;
  shardRefreshMs?: number;
  log?: Logger;
}

/** Counters of the reader, for /metrics and tests. */
export interface LiveReaderStats {
  getRecordsCalls: number;
  records: number;
  events: number;
  throttled: number;
  errors: number;
  shardsRead: number;
  shardsClosed: number;
}

export class LiveStreamReader {
  readonly stats: LiveReaderStats = { getRecordsCalls: 0, records: 0, events: 0, throttled: 0, errors: 0, shardsRead: 0, shardsClosed: 0 };
  private readonly abort = new AbortController();
  private readonly reading = new Map<string, Promise<void>>();
  private readonly finished = new Set<string>();
  private relist: (() => void) | undefined;

  constructor(private readonly opts: LiveReaderOptions) {}

  /** Reads until `stop()`; never throws for stream trouble (logs and retries). */
  async run(): Promise<void> {
    const signal = this.abort.signal;
    const refreshMs = this.opts.shardRefreshMs ?? LIVE_SHARD_REFRESH_MS;
    let first = true;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        const shards = await listShardsAll(this.opts.client, this.opts.stream, signal);
        attempt = 0;
        for (const s of shards) {
          const id = s.ShardId!;
          if (this.reading.has(id) || this.finished.has(id)) continue;
          // Shards there at start are read from startAt; a child that appears later holds only newer records.
          const from: Partial<GetShardIteratorCommandInput> = first
            ? { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(this.opts.startAt) }
            : { ShardIteratorType: 'TRIM_HORIZON' };
          this.stats.shardsRead++;
          this.reading.set(id, this.readShard(id, from).finally(() => this.reading.delete(id)));
        }
        first = false;
        await new Promise<void>((resolve) => {
          this.relist = resolve;
          void sleep(refreshMs, signal).then(resolve);
        });
      } catch (err) {
        if (signal.aborted) break;
        this.stats.errors++;
        this.opts.log?.warn({ stream: this.opts.stream, err: (err as Error).message }, 'live reader: ListShards failed; retrying');
        await sleep(Math.max(LIVE_POLL_INTERVAL_MS, backoffMs(attempt++)), signal);
      }
    }
    await Promise.allSettled([...this.reading.values()]);
  }

  /** Stops reading; `run()` resolves once every shard loop has ended. */
  stop(): void {
    this.abort.abort();
    this.relist?.();
  }

  private async readShard(shardId: string, from: Partial<GetShardIteratorCommandInput>): Promise<void> {
    const { client, stream } = this.opts;
    const signal = this.abort.signal;
    const interval = this.opts.pollIntervalMs ?? LIVE_POLL_INTERVAL_MS;
    let iterator: string | undefined;
    let lastSequence: string | undefined;
    let lastCallAt = -Infinity;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        if (iterator === undefined) {
          const input: GetShardIteratorCommandInput =
            lastSequence !== undefined
              ? { StreamName: stream, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: lastSequence }
              : { StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON', ...from };
          iterator = await this.iteratorFor(input);
          if (iterator === undefined) throw new Error(`GetShardIterator returned no iterator for ${stream}/${shardId}`);
        }
        await sleep(lastCallAt + interval - Date.now(), signal);
        if (signal.aborted) return;
        lastCallAt = Date.now();
        this.stats.getRecordsCalls++;
        const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: LIVE_GET_RECORDS_LIMIT }), { abortSignal: signal });
        attempt = 0;
        const records = out.Records ?? [];
        for (const r of records) this.deliver(r.Data!);
        if (records.length > 0) lastSequence = records[records.length - 1]!.SequenceNumber;
        this.stats.records += records.length;
        iterator = out.NextShardIterator ?? undefined;
        if (iterator === undefined) {
          // Closed by a reshard and read to its end: its children are listed now.
          this.finished.add(shardId);
          this.stats.shardsClosed++;
          this.relist?.();
          return;
        }
      } catch (err) {
        if (signal.aborted) return;
        const name = (err as { name?: string }).name ?? '';
        if (name === 'ExpiredIteratorException') {
          iterator = undefined;
          continue;
        }
        if (name === 'ResourceNotFoundException' && lastSequence === undefined && iterator === undefined) {
          this.finished.add(shardId); // the shard expired from the stream
          return;
        }
        if (THROTTLED.has(name)) this.stats.throttled++;
        else {
          this.stats.errors++;
          this.opts.log?.warn({ stream, shard: shardId, err: (err as Error).message }, 'live reader: read failed; backing off');
        }
        await sleep(Math.max(interval, backoffMs(attempt++)), signal);
      }
    }
  }

  private async iteratorFor(input: GetShardIteratorCommandInput): Promise<string | undefined> {
    const { client } = this.opts;
    const signal = this.abort.signal;
    if (input.ShardIteratorType !== 'AT_TIMESTAMP') return (await client.send(new GetShardIteratorCommand(input), { abortSignal: signal })).ShardIterator;
    let timestamp = input.Timestamp!;
    for (;;) {
      const askedAt = Date.now();
      const timeout = AbortSignal.timeout(AT_TIMESTAMP_TIMEOUT_MS);
      try {
        return (await client.send(new GetShardIteratorCommand({ ...input, Timestamp: timestamp }), { abortSignal: AbortSignal.any([signal, timeout]) })).ShardIterator;
      } catch (err) {
        if (signal.aborted || !timeout.aborted) throw err;
        // No record since `timestamp` when asked: ask again from then (less a second of slack), so none arriving meanwhile is missed.
        timestamp = new Date(Math.max(timestamp.getTime(), askedAt - AT_TIMESTAMP_SLACK_MS));
      }
    }
  }

  private deliver(data: Uint8Array): void {
    let events: EnrichedEvent[];
    try {
      events = unpackRecord<EnrichedEvent>(data);
    } catch {
      // A record with a bad line: keep the good lines.
      events = [];
      for (const line of Buffer.from(data).toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          events.push(JSON.parse(line) as EnrichedEvent);
        } catch {
          this.opts.onMalformed?.();
        }
      }
    }
    this.stats.events += events.length;
    if (events.length > 0) this.opts.onEvents(events);
  }
}
