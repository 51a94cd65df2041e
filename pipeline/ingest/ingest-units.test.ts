import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Shard } from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffMs, sleep } from './backoff.ts';
import { CheckpointStore } from './checkpoints.ts';
import { countNdjsonLines } from './ndjson-lines.ts';
import { readyShards } from './shard-lineage.ts';
import { MIN_GET_RECORDS_INTERVAL_MS, ShardReader } from './shard-reader.ts';
import { writeFileAtomic } from '../lake/durable-file.ts';
import { newPartFileName, partitionDir, utcDate } from '../lake/partitions.ts';
import { createKinesisClient, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from '../../streams/embedded-kinesis.ts';
import { tempDataDir } from '../../test/ingest-fixtures.ts';

describe('backoff', () => {
  it('grows from BACKOFF_BASE_MS, doubling, and never passes BACKOFF_CAP_MS', () => {
    expect(backoffMs(0, () => 0.999999)).toBe(BACKOFF_BASE_MS - 1);
    expect(backoffMs(2, () => 0.5)).toBe(BACKOFF_BASE_MS * 2);
    expect(backoffMs(30, () => 0.999999)).toBe(BACKOFF_CAP_MS - 1);
    expect(backoffMs(5, () => 0)).toBe(0);
  });

  it('sleep returns at once when aborted', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const done = sleep(10_000, ac.signal);
    ac.abort();
    await done;
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe('readyShards', () => {
  const shard = (id: string, parent?: string, adjacent?: string): Shard => ({ ShardId: id, ParentShardId: parent, AdjacentParentShardId: adjacent }) as Shard;
  it('holds a child back until every listed parent is finished; a parent no longer listed (expired) does not block', () => {
    const shards = [shard('p'), shard('c1', 'p'), shard('c2', 'p'), shard('m', 'c1', 'c2'), shard('orphan', 'expired')];
    expect(readyShards(shards, new Set())).toEqual(['p', 'orphan']);
    expect(readyShards(shards, new Set(['p']))).toEqual(['c1', 'c2', 'orphan']);
    expect(readyShards(shards, new Set(['p', 'c1']))).toEqual(['c2', 'orphan']);
    expect(readyShards(shards, new Set(['p', 'c1', 'c2', 'orphan']))).toEqual(['m']);
  });
});

describe('lake file names and NDJSON lines', () => {
  it('names partitions by UTC date and files by write time plus random bits', () => {
    expect(utcDate(Date.UTC(2026, 10, 27, 23, 59, 59, 999))).toBe('2026-11-27');
    expect(utcDate(Date.UTC(2026, 10, 28))).toBe('2026-11-28');
    expect(partitionDir('/d', 'events', '2026-11-28')).toBe('/d/lake/events/dt=2026-11-28');
    const name = newPartFileName(Date.UTC(2026, 10, 28, 3, 35, 1, 123));
    expect(name).toMatch(/^part-20261128T033501123Z-[0-9a-f]{8}\.parquet$/);
    expect(newPartFileName(0)).not.toBe(newPartFileName(0));
  });

  it('counts non-blank lines, with or without a final newline', () => {
    expect(countNdjsonLines([Buffer.from('{"a":1}\n\n  \r\n{"b":2}'), Buffer.from('{"c":3}\n')])).toBe(3);
    expect(countNdjsonLines([Buffer.from('')])).toBe(0);
  });
});

describe('checkpoint store', () => {
  it('writes atomically (no temp file left) and reads back; a corrupt checkpoint is an error naming the file', async () => {
    const dataDir = tempDataDir();
    try {
      const store = new CheckpointStore(dataDir, 's1');
      await store.save({ shard_id: 'shardId-000000000000', sequence_number: '42', closed: false });
      await store.save({ shard_id: 'shardId-000000000001', closed: true });
      expect(readdirSync(store.dir).sort()).toEqual(['shardId-000000000000.json', 'shardId-000000000001.json']);
      const all = await store.loadAll();
      expect(all.get('shardId-000000000000')).toMatchObject({ stream: 's1', sequence_number: '42', closed: false });
      expect(all.get('shardId-000000000001')).toMatchObject({ closed: true });
      expect(all.get('shardId-000000000001')!.sequence_number).toBeUndefined();
      writeFileSync(join(store.dir, 'shardId-000000000002.json'), '{"shard_id":');
      await expect(store.loadAll()).rejects.toThrow(/shardId-000000000002\.json is not valid JSON.*delete it to re-read that shard/);
      expect(await new CheckpointStore(dataDir, 'never-read').loadAll()).toEqual(new Map());
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('writeFileAtomic replaces the whole file', async () => {
    const dataDir = tempDataDir();
    try {
      mkdirSync(join(dataDir, 'x'));
      const path = join(dataDir, 'x', 'f.json');
      await writeFileAtomic(path, 'first');
      await writeFileAtomic(path, 'second');
      expect(readdirSync(join(dataDir, 'x'))).toEqual(['f.json']);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('ShardReader pacing', () => {
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

  it(`spaces GetRecords calls on one shard at least MIN_GET_RECORDS_INTERVAL_MS (${MIN_GET_RECORDS_INTERVAL_MS} ms) apart`, async () => {
    await ensureStream(client, 'pacing', 1);
    const reader = new ShardReader(client, 'pacing', 'shardId-000000000000', undefined);
    // Measured from before the first call: the spacing is between call starts, and the
    // first call's own latency must not count towards it.
    const t0 = Date.now();
    await reader.next();
    await reader.next();
    await reader.next();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2 * MIN_GET_RECORDS_INTERVAL_MS - 5);
  });
});
