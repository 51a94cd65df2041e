import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from './embedded-kinesis.ts';

describe('embedded kinesalite', () => {
  let k: EmbeddedKinesis;
  let client: KinesisClient;
  beforeAll(async () => {
    k = await startEmbeddedKinesis();
    client = createKinesisClient({ endpoint: k.endpoint });
  });
  afterAll(async () => {
    client.destroy();
    await k.stop();
  });

  it('listens on loopback only and round-trips records through a created stream', async () => {
    expect(k.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await ensureStream(client, 'smoke', 1);
    await ensureStream(client, 'smoke', 1); // idempotent
    const put = await client.send(new PutRecordsCommand({
      StreamName: 'smoke',
      Records: [{ Data: Buffer.from('a\n'), PartitionKey: 'k1' }, { Data: Buffer.from('b\n'), PartitionKey: 'k2' }],
    }));
    expect(put.FailedRecordCount).toBe(0);
    const shards = await client.send(new ListShardsCommand({ StreamName: 'smoke' }));
    const it0 = await client.send(new GetShardIteratorCommand({ StreamName: 'smoke', ShardId: shards.Shards![0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    const got = await client.send(new GetRecordsCommand({ ShardIterator: it0.ShardIterator! }));
    expect(got.Records!.map((r) => Buffer.from(r.Data!).toString())).toEqual(['a\n', 'b\n']);
  });
});

describe('embedded kinesalite persisted on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'livelens-kinesalite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // kinesalite's own close() shuts its LevelDB while requests may still be inside it, which
  // crashed the process (SIGSEGV in leveldown) about one stop in four with clients still sending.
  it('stops and restarts on the same folder with clients still sending: nothing acknowledged is lost', async () => {
    let k = await startEmbeddedKinesis({ dir });
    const port = k.port;
    const client = createKinesisClient({ endpoint: k.endpoint, maxAttempts: 1 });
    await ensureStream(client, 'restarts', 1);
    const acknowledged: string[] = [];
    let stopping = false;
    const writer = async (w: number) => {
      for (let b = 0; !stopping; b++) {
        const data = Array.from({ length: 20 }, (_, i) => `w${w}-b${b}-r${i}`);
        try {
          const put = await client.send(new PutRecordsCommand({ StreamName: 'restarts', Records: data.map((d) => ({ Data: Buffer.from(d), PartitionKey: d })) }));
          put.Records!.forEach((r, i) => r.SequenceNumber && acknowledged.push(data[i]!));
        } catch {
          await new Promise((r) => setTimeout(r, 5)); // stopped: try again when it is back
        }
      }
    };
    const writers = Promise.all([0, 1, 2, 3, 4, 5].map(writer));
    for (let round = 1; round <= 5; round++) {
      // stop only once this round's writes are going through (the machine may be slow)
      while (acknowledged.length < round * 120) await new Promise((r) => setTimeout(r, 10));
      await k.stop();
      k = await startEmbeddedKinesis({ dir, port });
    }
    stopping = true;
    await writers;
    const shards = await client.send(new ListShardsCommand({ StreamName: 'restarts' }));
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: 'restarts', ShardId: shards.Shards![0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    const stored = new Set<string>();
    for (;;) {
      const got = await client.send(new GetRecordsCommand({ ShardIterator: iterator!, Limit: 10_000 }));
      for (const r of got.Records!) stored.add(Buffer.from(r.Data!).toString());
      if (got.Records!.length === 0) break;
      iterator = got.NextShardIterator;
    }
    client.destroy();
    await k.stop();
    expect(acknowledged.filter((d) => !stored.has(d))).toEqual([]);
  });
});
