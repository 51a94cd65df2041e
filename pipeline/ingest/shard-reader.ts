/**
 * Reads one shard: gets an iterator from the checkpoint (AFTER_SEQUENCE_NUMBER,
 * or TRIM_HORIZON the first time), calls GetRecords, renews an expired
 * iterator from the last sequence number it returned, and backs off on
 * throttling and transient errors.
 *
 * @example
 * const reader = new ShardReader(client, 'livelens-events', 'shardId-000000000000', checkpoint?.sequence_number, signal);
 * const batch = await reader.next(); // { records, lastSequenceNumber, atTip, closed }
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import { backoffMs, sleep } from './backoff.ts';

/**
 * Records asked for per GetRecords call. Kinesis allows 10,000 but caps a
 * call at 10 MiB; packed records are up to 64 KiB, so 1,000 loses nothing
 * there and bounds memory on kinesalite, which has no byte cap.
 */
export const GET_RECORDS_LIMIT = 1_000;
/** GetRecords calls a Kinesis shard serves per second, to all its readers together. */
export const KINESIS_GET_RECORDS_PER_SHARD_PER_S = 5;
/**
 * Calls on one shard are spaced at least this far apart: 4 a second, so
 * that the live view's reader of the same stream (once a second,
 * live/stream-reader.ts) fits the shard's 5 without throttling either. A
 * call returns up to GET_RECORDS_LIMIT records, far more than a shard takes
 * in (1,000 records/s), so ingest still catches up 4 times faster than the
 * stream fills.
 */
export const MIN_GET_RECORDS_INTERVAL_MS = 250;
/** Transient failures retried in a row before the error is thrown. */
export const MAX_TRANSIENT_RETRIES = 8;

/** Error names that mean "wait and try again". */
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'InternalFailure',
  'ServiceUnavailable',
  'ThrottlingException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

export interface ShardBatch {
  records: KinesisRecord[];
  /** Sequence number of the last record read so far (this batch or earlier). */
  lastSequenceNumber: string | undefined;
  /** The reader has caught up with the shard's tip (nothing more to read right now). */
  atTip: boolean;
  /** The shard is closed (resharded) and read to its end. */
  closed: boolean;
}

export class ShardReader {
  private iterator: string | undefined;
  private position: string | undefined;
  private ended = false;
  private lastCallAt = -Infinity;

  constructor(
    private readonly client: KinesisClient,
    readonly stream: string,
    readonly shardId: string,
    startAfter: string | undefined,
    private readonly signal?: AbortSignal,
    /** The shard is already closed (ListShards gave an EndingSequenceNumber): its tip is its end. */
    private readonly closedShard = false,
  ) {
    this.position = startAfter;
  }

  /** Reads the next batch; after `closed` it returns empty closed batches. */
  async next(): Promise<ShardBatch> {
    if (this.ended) return { records: [], lastSequenceNumber: this.position, atTip: true, closed: true };
    for (let attempt = 0; ; attempt++) {
      try {
        this.iterator ??= await this.newIterator();
        await sleep(this.lastCallAt + MIN_GET_RECORDS_INTERVAL_MS - Date.now(), this.signal);
        this.lastCallAt = Date.now();
        const out = await this.client.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: GET_RECORDS_LIMIT }), {
          abortSignal: this.signal,
        });
        const records = out.Records ?? [];
        if (records.length > 0) this.position = records[records.length - 1]!.SequenceNumber;
        this.iterator = out.NextShardIterator;
        this.ended = out.NextShardIterator === undefined || out.NextShardIterator === null;
        // Kinesis reports 0 ms behind at the tip; a short batch there means nothing else is waiting.
        // A closed shard is at its tip only once GetRecords says it ended (no next iterator).
        const atTip = this.ended || (!this.closedShard && (out.MillisBehindLatest ?? 0) === 0 && records.length < GET_RECORDS_LIMIT);
        return { records, lastSequenceNumber: this.position, atTip, closed: this.ended };
      } catch (err) {
        const name = errorName(err);
        if (this.signal?.aborted || attempt >= MAX_TRANSIENT_RETRIES) throw err;
        if (name === 'ExpiredIteratorException') {
          // Renew from the last record returned: nothing is skipped or repeated.
          this.iterator = undefined;
          continue;
        }
        if (!RETRYABLE.has(name)) throw err;
        await sleep(backoffMs(attempt), this.signal);
      }
    }
  }

  private async newIterator(): Promise<string> {
    const out = await this.client.send(
      new GetShardIteratorCommand(
        this.position === undefined
          ? { StreamName: this.stream, ShardId: this.shardId, ShardIteratorType: 'TRIM_HORIZON' }
          : { StreamName: this.stream, ShardId: this.shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: this.position },
      ),
      { abortSignal: this.signal },
    );
    if (!out.ShardIterator) throw new Error(`GetShardIterator returned no iterator for ${this.stream}/${this.shardId}`);
    return out.ShardIterator;
  }
}

function errorName(err: unknown): string {
  const e = err as { name?: string; code?: string };
  return e.code ?? e.name ?? '';
}
