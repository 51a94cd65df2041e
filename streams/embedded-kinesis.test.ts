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
