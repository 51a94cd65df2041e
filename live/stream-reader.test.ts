import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListShardsCommand, PutRecordsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { packEvents } from '../contract/record-format.ts';
import type { EnrichedEvent } from '../contract/enriched.ts';
import { createKinesisClient, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from '../streams/embedded-kinesis.ts';
import { KINESIS_GET_RECORDS_PER_SHARD_PER_S, MIN_GET_RECORDS_INTERVAL_MS } from '../pipeline/ingest/shard-reader.ts';
import { LIVE_POLL_INTERVAL_MS, LiveStreamReader } from './stream-reader.ts';
import { liveEvents } from './testing/events.ts';

const POLL_MS = 200;

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the live reader beside ingest', () => {
  it('takes with ingest at most the GetRecords calls a shard serves a second (no throttling from reading it twice)', () => {
    expect(1_000 / LIVE_POLL_INTERVAL_MS + 1_000 / MIN_GET_RECORDS_INTERVAL_MS).toBeLessThanOrEqual(KINESIS_GET_RECORDS_PER_SHARD_PER_S);
  });
});

describe('LiveStreamReader on kinesalite', () => {
  let k: EmbeddedKinesis;
  let client: KinesisClient;
  const ev = liveEvents('rd');
  const put = async (stream: string, events: EnrichedEvent[], key = 'pk') => {
    const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: packEvents(events).map((Data) => ({ Data, PartitionKey: key })) }));
    expect(out.FailedRecordCount).toBe(0);
  };
  beforeAll(async () => {
    k = await startEmbeddedKinesis();
    client = createKinesisClient({ endpoint: k.endpoint });
  });
  afterAll(async () => {
    client.destroy();
    await k.stop();
  });

  it('starts at startAt (older records unread), follows new records and the children of a split shard', async () => {
    await ensureStream(client, 'live-a', 1);
    await put('live-a', [ev.chat({ at: 1, id: 'before_start' })]);
    await new Promise((r) => setTimeout(r, 30));
    const startAt = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    await put('live-a', [ev.chat({ at: 2, id: 'after_start' })]);
    const seen: string[] = [];
    const reader = new LiveStreamReader({ client, stream: 'live-a', startAt, pollIntervalMs: POLL_MS, shardRefreshMs: 60_000, onEvents: (es) => seen.push(...es.map((e) => e.event_id)) });
    const done = reader.run();
    try {
      await until(() => seen.includes('after_start'), 'the record after startAt');
      await put('live-a', [ev.chat({ at: 3, id: 'live_one' })]);
      await until(() => seen.includes('live_one'), 'a live record');
      const shards = await client.send(new ListShardsCommand({ StreamName: 'live-a' }));
      await client.send(new SplitShardCommand({ StreamName: 'live-a', ShardToSplit: shards.Shards![0]!.ShardId!, NewStartingHashKey: '170141183460469231731687303715884105728' }));
      await ensureStream(client, 'live-a', 1);
      await until(() => reader.stats.shardsClosed === 1, 'the parent shard to close');
      await put('live-a', [ev.chat({ at: 4, id: 'child_low' })], 'a');
      await put('live-a', [ev.chat({ at: 5, id: 'child_high' })], 'zz');
      await until(() => seen.includes('child_low') && seen.includes('child_high'), 'records on the child shards');
      expect(seen).not.toContain('before_start');
      expect(new Set(seen).size).toBe(seen.length);
      expect(reader.stats.shardsRead).toBe(3);
    } finally {
      reader.stop();
      await done;
    }
  });

  it('polls each shard at most once per interval, and backs off then recovers when throttled', async () => {
    await ensureStream(client, 'live-b', 2);
    const throttled = { left: 3 };
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetRecordsCommand' && throttled.left > 0) {
          throttled.left--;
          throw Object.assign(new Error('Rate exceeded for shard'), { name: 'ProvisionedThroughputExceededException' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'throttleSome' },
    );
    const seen: string[] = [];
    const reader = new LiveStreamReader({ client, stream: 'live-b', startAt: Date.now() - 1_000, pollIntervalMs: POLL_MS, onEvents: (es) => seen.push(...es.map((e) => e.event_id)) });
    const started = Date.now();
    const done = reader.run();
    try {
      await put('live-b', [ev.chat({ at: 6, id: 'after_throttle' })]);
      await until(() => seen.includes('after_throttle'), 'a record once throttling ends');
      expect(reader.stats.throttled).toBe(3);
      await new Promise((r) => setTimeout(r, 3 * POLL_MS));
      const elapsed = Date.now() - started;
      // 2 shards, one call per POLL_MS each at most (+1 each for the first call).
      expect(reader.stats.getRecordsCalls).toBeLessThanOrEqual(2 * (Math.floor(elapsed / POLL_MS) + 1));
    } finally {
      reader.stop();
      await done;
      client.middlewareStack.remove('throttleSome');
    }
  });
});
