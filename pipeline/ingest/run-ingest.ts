/**
 * `runIngest`: stream to lake. Consumes the events stream into
 * `lake/events/` and, when they exist, the dead-letter stream and the
 * collector's dead-letter segments into `lake/dead_letters/`, each with its
 * own checkpoints under `<dataDir>/checkpoints/<stream>/`.
 *
 * Guarantee: at least once into the lake, never a skip (checkpoints follow
 * durable Parquet), and a crash adds no copy: each shard's records land in
 * files named after the shard and the checkpoint they follow, so a run
 * after a crash between a Parquet write and its checkpoint lands them again
 * under the same names, replacing the files (stream-consumer.ts). Duplicate
 * event_ids the collector sent twice are dropped within a run (within a
 * landing and across the last RECENT_KEYS_MAX ids); the query layer also
 * counts each event_id once, whatever reaches the lake. One run per stream and data
 * dir at a time (a lock file beside the checkpoints).
 *
 * @example
 * const stats = await runIngest({ dataDir: '.livelens', kinesis: { endpoint: 'http://127.0.0.1:4567', stream: 'livelens-events' }, once: true });
 * stats.events.landed
 */
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../streams/kinesis-client.ts';
import { EMBEDDED_DEAD_LETTER_STREAM_NAME } from '../../streams/embedded-kinesis.ts';
import { sleep } from './backoff.ts';
import { CheckpointStore } from './checkpoints.ts';
import { lockConsumer } from './consumer-lock.ts';
import { DEAD_LETTERS_TABLE, EVENTS_TABLE } from './lake-tables.ts';
import { NdjsonLander } from './ndjson-lander.ts';
import { landDeadLetterSegments, type SpoolLandStats } from './spool-dead-letters.ts';
import { FLUSH_AGE_MS, landingFileName, StreamConsumer, type ConsumerStats, type FlushInfo } from './stream-consumer.ts';
import { uncheckpointedObjects } from './uncheckpointed-files.ts';
import type { LakeStore } from '../lake/lake-store.ts';
import { defaultLakeStore } from '../lake/open-lake-store.ts';

export interface IngestOptions {
  dataDir: string;
  /** Where the lake is (a folder or S3, pipeline/lake/); default `<dataDir>/lake`. With S3, checkpoints go beside it. */
  lake?: LakeStore;
  kinesis: {
    /** Endpoint override (kinesalite); absent means real Kinesis through the AWS SDK's defaults. */
    endpoint?: string;
    /** The events stream. */
    stream: string;
    region?: string;
  };
  /** Read every shard up to its current tip, land, checkpoint, return. */
  once?: boolean;
  /** Stops a continuous run; what was read is landed and checkpointed before the promise resolves. */
  signal?: AbortSignal;
  /** Dead-letter stream, read when it exists; `null` to skip. Default `livelens-dead-letters`. */
  deadLetterStream?: string | null;
  /** Land the collector's dead-letter segments from `<dataDir>/dead-letters/`. Default true. */
  deadLetterSegments?: boolean;
  /** Landing thresholds (defaults FLUSH_ROWS, FLUSH_AGE_MS) and polling pause. */
  flushRows?: number;
  flushAgeMs?: number;
  idlePollMs?: number;
  /** A client to use instead of one built from `kinesis` (tests, custom retries). */
  client?: KinesisClient;
  onFlush?: (flush: FlushInfo) => void;
}

export interface IngestStats {
  events: ConsumerStats;
  /** Dead letters read from the dead-letter stream (absent when it does not exist). */
  deadLetterStream?: ConsumerStats;
  deadLetterSegments: SpoolLandStats;
  /** Keys of uncheckpointed files remembered at start (after a crash). */
  recoveredKeys: number;
  elapsedMs: number;
}

export async function runIngest(options: IngestOptions): Promise<IngestStats> {
  const started = Date.now();
  const unlock = await lockConsumer(options.dataDir, options.kinesis.stream);
  const client = options.client ?? createKinesisClient({ endpoint: options.kinesis.endpoint, region: options.kinesis.region });
  const landers: NdjsonLander[] = [];
  // Stops every part when the caller aborts or when one part fails, so none outlives the landers closed below.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const lake = options.lake ?? defaultLakeStore(options.dataDir);
    const eventsLander = await NdjsonLander.open({ dataDir: options.dataDir, spec: EVENTS_TABLE, lake });
    landers.push(eventsLander);
    const checkpoints = await new CheckpointStore(options.dataDir, options.kinesis.stream, lake).loadAll();
    // A landing this run repeats (named after a shard and its checkpoint: stream-consumer.ts) is replaced,
    // not deduplicated against: remembering its keys would drop its records from the file that replaces it.
    const ours = landingFileName(options.kinesis.stream, '', undefined).split('-after-')[0]!;
    const uncheckpointed = (await uncheckpointedObjects(lake, 'events', checkpoints.values())).filter((o) => !o.key.split('/').pop()!.startsWith(ours));
    const recoveredKeys = await eventsLander.rememberKeysOf(await lake.localCopies(uncheckpointed));
    const consumerOptions = {
      client,
      dataDir: options.dataDir,
      lake,
      once: options.once,
      signal: stop.signal,
      flushRows: options.flushRows,
      flushAgeMs: options.flushAgeMs,
      idlePollMs: options.idlePollMs,
      onFlush: options.onFlush,
    };
    const runs: Array<Promise<unknown>> = [];
    const events = new StreamConsumer({ ...consumerOptions, stream: options.kinesis.stream, lander: eventsLander });
    runs.push(events.run());

    const deadLetterLander = await NdjsonLander.open({ dataDir: options.dataDir, spec: DEAD_LETTERS_TABLE, lake });
    landers.push(deadLetterLander);
    const dlStream = options.deadLetterStream === undefined ? EMBEDDED_DEAD_LETTER_STREAM_NAME : options.deadLetterStream;
    let deadLetters: StreamConsumer | undefined;
    if (dlStream !== null && (await streamExists(client, dlStream))) {
      deadLetters = new StreamConsumer({ ...consumerOptions, stream: dlStream, lander: deadLetterLander });
      runs.push(deadLetters.run());
    }
    const segments: SpoolLandStats = { segments: 0, landed: 0, malformed: 0, deadLettered: 0 };
    if (options.deadLetterSegments !== false) {
      runs.push(landSegmentsUntilDone({ ...options, signal: stop.signal }, deadLetterLander, segments));
    }
    const settled = await Promise.allSettled(runs.map((run) => run.catch((err: unknown) => {
      stop.abort();
      throw err;
    })));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return {
      events: events.stats,
      ...(deadLetters ? { deadLetterStream: deadLetters.stats } : {}),
      deadLetterSegments: segments,
      recoveredKeys,
      elapsedMs: Date.now() - started,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const l of landers) l.close();
    if (!options.client) client.destroy();
    await unlock();
  }
}

/** Lands sealed dead-letter segments now and then every flushAgeMs until the run stops (with `once`: one pass). */
async function landSegmentsUntilDone(options: IngestOptions, lander: NdjsonLander, total: SpoolLandStats): Promise<void> {
  const landOnce = async () => {
    const s = await landDeadLetterSegments(options.dataDir, lander);
    total.segments += s.segments;
    total.landed += s.landed;
    total.malformed += s.malformed;
    total.deadLettered += s.deadLettered;
  };
  await landOnce();
  if (options.once) return;
  while (!options.signal?.aborted) {
    await sleep(options.flushAgeMs ?? FLUSH_AGE_MS, options.signal);
    await landOnce();
  }
}

async function streamExists(client: KinesisClient, stream: string): Promise<boolean> {
  try {
    await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}
