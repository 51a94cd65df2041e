/**
 * Reads every record of a (small, test) stream from the start of each shard
 * and unpacks the NDJSON events in them.
 *
 * @example
 * const events = await readStream(client, 'livelens-events');
 */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { unpackRecord } from '../../contract/record-format.ts';

export async function readStream<T = Record<string, unknown>>(client: KinesisClient, stream: string): Promise<T[]> {
  const out: T[] = [];
  const shards = await client.send(new ListShardsCommand({ StreamName: stream }));
  for (const shard of shards.Shards ?? []) {
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const got = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of got.Records ?? []) out.push(...unpackRecord<T>(r.Data!));
      if ((got.Records ?? []).length === 0) break;
      iterator = got.NextShardIterator;
    }
  }
  return out;
}
