/**
 * Resharding order: a child shard (from SplitShard or MergeShards) is read
 * only after every parent it has is read to its end, so records of one
 * partition key are landed in order and none is read before an older one.
 *
 * @example
 * listShardsAll(client, 'livelens-events') // [{ ShardId, ParentShardId?, AdjacentParentShardId? }, ...]
 * readyShards(shards, closedIds)          // ids that may be read now
 */
import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';

/** Every shard of the stream (open and closed but not yet expired), following pagination. */
export async function listShardsAll(client: KinesisClient, stream: string, signal?: AbortSignal): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const out = await client.send(
      new ListShardsCommand(nextToken === undefined ? { StreamName: stream } : { NextToken: nextToken }),
      { abortSignal: signal },
    );
    shards.push(...(out.Shards ?? []));
    nextToken = out.NextToken;
  } while (nextToken !== undefined);
  return shards;
}

/**
 * Shards that may be read now: not finished, and each parent either finished
 * or gone from the listing (expired past retention: nothing left to read).
 */
export function readyShards(shards: readonly Shard[], finished: ReadonlySet<string>): string[] {
  const listed = new Set(shards.map((s) => s.ShardId!));
  const parentDone = (id: string | undefined) => id === undefined || id === null || finished.has(id) || !listed.has(id);
  return shards
    .filter((s) => !finished.has(s.ShardId!) && parentDone(s.ParentShardId) && parentDone(s.AdjacentParentShardId))
    .map((s) => s.ShardId!);
}
