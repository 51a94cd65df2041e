import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetRecordsCommand, MergeShardsCommand, PutRecordsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { EnrichedEvent, DeadLetter } from '../contract/enriched.ts';
import { toLakeRow } from '../contract/lake.ts';
import { packEvents, packLines } from '../contract/record-format.ts';
import { createKinesisClient, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from '../streams/embedded-kinesis.ts';
import { runIngest, type IngestOptions } from '../pipeline/ingest/run-ingest.ts';
import { consumerLockPath } from '../pipeline/ingest/consumer-lock.ts';
import { ShardReader } from '../pipeline/ingest/shard-reader.ts';
import { listShardsAll } from '../pipeline/ingest/shard-lineage.ts';
import type { FlushInfo } from '../pipeline/ingest/stream-consumer.ts';
import { BASE_MS, enriched, readLake, tempDataDir } from './ingest-fixtures.ts';

let kinesis: EmbeddedKinesis;
let client: KinesisClient;
let streamNo = 0;
const dirs: string[] = [];

beforeAll(async () => {
  kinesis = await startEmbeddedKinesis();
  client = createKinesisClient({ endpoint: kinesis.endpoint });
});
afterAll(async () => {
  client.destroy();
  await kinesis.stop();
});
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function newStream(shards = 2): Promise<string> {
  const name = `ingest-test-${process.pid}-${++streamNo}`;
  await ensureStream(client, name, shards);
  return name;
}

function newDataDir(): string {
  const d = tempDataDir();
  dirs.push(d);
  return d;
}

/** Puts events packed `perRecord` to a record, partition key by viewer (so both shards get some). */
async function put(stream: string, events: EnrichedEvent[], perRecord = 5): Promise<void> {
  const records = [];
  for (let i = 0; i < events.length; i += perRecord) {
    const group = events.slice(i, i + perRecord);
    for (const data of packEvents(group)) records.push({ Data: data, PartitionKey: group[0]!.viewer_id + group[0]!.event_id });
  }
  for (let i = 0; i < records.length; i += 500) {
    const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: records.slice(i, i + 500) }));
    expect(out.FailedRecordCount).toBe(0);
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => enriched(from + k));

function options(dataDir: string, stream: string, extra: Partial<IngestOptions> = {}): IngestOptions {
  return { dataDir, kinesis: { stream }, client, once: true, deadLetterStream: null, ...extra };
}

async function eventIds(dataDir: string): Promise<string[]> {
  return (await readLake(dataDir, 'events', 'event_id')).map((r) => String(r.event_id));
}

describe('runIngest against kinesalite', () => {
  it('--once lands every event of every shard as exact lake rows and checkpoints each shard', async () => {
    const stream = await newStream(2);
    const dataDir = newDataDir();
    const events = range(0, 40);
    await put(stream, events);
    const stats = await runIngest(options(dataDir, stream));
    expect(stats.events).toMatchObject({ lines: 40, landed: 40, duplicates: 0, malformed: 0 });
    const rows = await readLake(dataDir, 'events', 'event_id');
    expect(rows).toEqual(events.map((e) => ({ ...toLakeRow(e), dt: '2026-11-27' })));
    const cps = readdirSync(join(dataDir, 'checkpoints', stream)).sort();
    expect(cps).toEqual(['shardId-000000000000.json', 'shardId-000000000001.json']);
    for (const name of cps) {
      const cp = JSON.parse(readFileSync(join(dataDir, 'checkpoints', stream, name), 'utf8'));
      expect(cp).toMatchObject({ stream, shard_id: name.slice(0, -5), closed: false });
      expect(cp.sequence_number).toMatch(/^\d+$/);
    }
  });

  it('restarts from the checkpoint: nothing lost, nothing doubled', async () => {
    const stream = await newStream(2);
    const dataDir = newDataDir();
    await put(stream, range(0, 50));
    expect((await runIngest(options(dataDir, stream))).events.landed).toBe(50);
    await put(stream, range(50, 80));
    const second = await runIngest(options(dataDir, stream));
    // The second run read only what came after the checkpoints.
    expect(second.events).toMatchObject({ lines: 30, landed: 30, duplicates: 0 });
    expect(await eventIds(dataDir)).toEqual(range(0, 80).map((e) => e.event_id));
    const third = await runIngest(options(dataDir, stream));
    expect(third.events).toMatchObject({ records: 0, lines: 0, files: 0 });
  });

  it('drops an event delivered twice (client retry) so each event_id is landed once', async () => {
    const stream = await newStream(1);
    const dataDir = newDataDir();
    await put(stream, [...range(0, 10), enriched(3), enriched(7)]);
    const stats = await runIngest(options(dataDir, stream));
    expect(stats.events).toMatchObject({ lines: 12, landed: 10, duplicates: 2 });
    expect(await eventIds(dataDir)).toEqual(range(0, 10).map((e) => e.event_id));
  });

  it('after a crash between the Parquet write and the checkpoint, re-reads and does not double', async () => {
    const stream = await newStream(1);
    const dataDir = newDataDir();
    await put(stream, range(0, 20));
    await runIngest(options(dataDir, stream));
    await put(stream, range(20, 35));
    // A folder where the checkpoint's temp file goes makes the checkpoint write fail after the Parquet is durable.
    const blocker = join(dataDir, 'checkpoints', stream, `shardId-000000000000.json.${process.pid}.tmp`);
    mkdirSync(blocker);
    await expect(runIngest(options(dataDir, stream))).rejects.toThrow(/EISDIR|illegal operation on a directory/);
    rmSync(blocker, { recursive: true });
    // The 15 new events are in the lake, but not checkpointed.
    expect(await eventIds(dataDir)).toHaveLength(35);
    const filesBefore = readdirSync(join(dataDir, 'lake', 'events'), { recursive: true }).filter((f) => String(f).endsWith('.parquet')).sort();
    // The re-run lands the 15 again under the same file name (shard and checkpoint): the file is replaced, not doubled.
    const recovery = await runIngest(options(dataDir, stream));
    expect(recovery.events).toMatchObject({ lines: 15, landed: 15, duplicates: 0 });
    expect(readdirSync(join(dataDir, 'lake', 'events'), { recursive: true }).filter((f) => String(f).endsWith('.parquet')).sort()).toEqual(filesBefore);
    // Guarantee: count(*) == count(DISTINCT event_id) == events sent.
    expect(await eventIds(dataDir)).toEqual(range(0, 35).map((e) => e.event_id));
    const after = await runIngest(options(dataDir, stream));
    expect(after.events.lines).toBe(0);
  });

  it('after a crash, a landing repeated under the same name also removes its files in partitions it did not write again', async () => {
    const stream = await newStream(1);
    const dataDir = newDataDir();
    await put(stream, range(0, 10));
    const blocker = join(dataDir, 'checkpoints', stream, `shardId-000000000000.json.${process.pid}.tmp`);
    mkdirSync(blocker, { recursive: true });
    await expect(runIngest(options(dataDir, stream))).rejects.toThrow(/EISDIR|illegal operation on a directory/);
    rmSync(blocker, { recursive: true });
    const [day] = readdirSync(join(dataDir, 'lake', 'events'));
    const [name] = readdirSync(join(dataDir, 'lake', 'events', day!));
    expect(name).toBe(`${stream}-shardId-000000000000-after-start.parquet`);
    // As if the crashed run had read further, into the next day: its file there holds records the re-run lands in its own file.
    const nextDay = join(dataDir, 'lake', 'events', 'dt=2026-11-29');
    mkdirSync(nextDay);
    writeFileSync(join(nextDay, name!), readFileSync(join(dataDir, 'lake', 'events', day!, name!)));
    expect(await eventIds(dataDir)).toHaveLength(20);
    await runIngest(options(dataDir, stream));
    expect(existsSync(join(nextDay, name!))).toBe(false);
    expect(await eventIds(dataDir)).toEqual(range(0, 10).map((e) => e.event_id));
  });

  it('a continuous run stops every part and rejects when one part fails (no part outlives the run)', async () => {
    const stream = await newStream(1);
    const dlStream = await newStream(1);
    const dataDir = newDataDir();
    await put(stream, range(0, 5));
    mkdirSync(join(dataDir, 'checkpoints', stream, `shardId-000000000000.json.${process.pid}.tmp`), { recursive: true });
    const run = runIngest(options(dataDir, stream, { once: false, deadLetterStream: dlStream, flushRows: 1, idlePollMs: 10 }));
    await expect(run).rejects.toThrow(/EISDIR|illegal operation on a directory/);
  });

  it('refuses a second consumer of the same stream and data dir while one runs; a stale lock is taken over', async () => {
    const stream = await newStream(1);
    const dataDir = newDataDir();
    const ac = new AbortController();
    const first = runIngest(options(dataDir, stream, { once: false, signal: ac.signal, idlePollMs: 10 }));
    await vi.waitFor(() => expect(existsSync(consumerLockPath(dataDir, stream))).toBe(true));
    await expect(runIngest(options(dataDir, stream))).rejects.toThrow(`stream ${stream} is already being ingested into ${dataDir} by process ${process.pid}`);
    ac.abort();
    await first;
    expect(existsSync(consumerLockPath(dataDir, stream))).toBe(false);
    // A lock left by a crashed process (no such pid) does not block.
    writeFileSync(consumerLockPath(dataDir, stream), '2147483646\n');
    await put(stream, range(0, 3));
    expect((await runIngest(options(dataDir, stream))).events.landed).toBe(3);
  });

  it('lands a packed record whose events straddle midnight in two partition files under one checkpoint', async () => {
    const stream = await newStream(1);
    const dataDir = newDataDir();
    const events = [enriched(998), enriched(999), enriched(1000), enriched(1001)];
    await put(stream, events, 4);
    const flushes: FlushInfo[] = [];
    await runIngest(options(dataDir, stream, { onFlush: (f) => flushes.push(f) }));
    expect(flushes).toHaveLength(1);
    expect(flushes[0]!.files.map((f) => f.split('/').at(-2))).toEqual(['dt=2026-11-27', 'dt=2026-11-28']);
    expect(flushes[0]!.checkpoints).toHaveLength(1);
    const rows = await readLake(dataDir, 'events', 'event_id');
    expect(rows.map((r) => [r.event_id, r.dt])).toEqual([
      ['evt-00000998', '2026-11-27'],
      ['evt-00000999', '2026-11-27'],
      ['evt-00001000', '2026-11-28'],
      ['evt-00001001', '2026-11-28'],
    ]);
  });

  it('buffers across GetRecords calls and lands files of flushRows, not one per call', async () => {
    const stream = await newStream(1);
    const dataDir = newDataDir();
    // Watch GetRecords through the real client: which calls returned data, and when one found the shard drained.
    const original = client.send.bind(client) as (cmd: unknown, o?: unknown) => Promise<{ Records?: unknown[] }>;
    let callsWithData = 0;
    const drainedAt: number[] = [];
    const spy = vi.spyOn(client, 'send').mockImplementation((async (cmd: unknown, o?: unknown) => {
      const startedAt = Date.now();
      const out = await original(cmd, o);
      if (cmd instanceof GetRecordsCommand) {
        if (out.Records?.length) callsWithData++;
        else drainedAt.push(startedAt);
      }
      return out;
    }) as unknown as typeof client.send);
    const ac = new AbortController();
    const flushes: FlushInfo[] = [];
    const run = runIngest(options(dataDir, stream, { once: false, signal: ac.signal, flushRows: 30, flushAgeMs: 60_000, idlePollMs: 10, onFlush: (f) => flushes.push(f) }));
    for (let i = 0; i < 6; i++) {
      await put(stream, range(i * 10, i * 10 + 10));
      await new Promise((r) => setTimeout(r, 250)); // > MIN_GET_RECORDS_INTERVAL_MS: each put is read by its own call
    }
    const allPut = Date.now();
    await vi.waitFor(() => expect(drainedAt.some((t) => t > allPut)).toBe(true), { timeout: 20_000 });
    ac.abort();
    const stats = await run;
    spy.mockRestore();
    expect(stats.events.landed).toBe(60);
    expect(callsWithData).toBeGreaterThanOrEqual(3);
    // Landings while running waited for flushRows events, gathered over several calls; the last one is the stop.
    expect(flushes.length).toBeGreaterThanOrEqual(2);
    for (const f of flushes.slice(0, -1)) expect(f.lines).toBeGreaterThanOrEqual(30);
    expect(flushes.length).toBeLessThan(callsWithData + 1);
    expect(await eventIds(dataDir)).toEqual(range(0, 60).map((e) => e.event_id));
  });

  it('reads a parent shard to its end before its children (SplitShard, then MergeShards)', async () => {
    const stream = await newStream(1);
    const dataDir = newDataDir();
    await put(stream, range(0, 20));
    const [parent] = await listShardsAll(client, stream);
    await client.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: parent!.ShardId!, NewStartingHashKey: (2n ** 127n).toString() }));
    await ensureStream(client, stream);
    await put(stream, range(20, 40));
    const children = (await listShardsAll(client, stream)).filter((s) => s.ParentShardId === parent!.ShardId);
    expect(children).toHaveLength(2);
    await client.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: children[0]!.ShardId!, AdjacentShardToMerge: children[1]!.ShardId! }));
    await ensureStream(client, stream);
    await put(stream, range(40, 60));

    const order: string[] = [];
    const stats = await runIngest(options(dataDir, stream, { onFlush: (f) => order.push(...f.checkpoints.map((c) => `${c.shard_id}${c.closed ? ':closed' : ''}`)) }));
    expect(stats.events).toMatchObject({ landed: 60, duplicates: 0, shardsFinished: 3 });
    expect(await eventIds(dataDir)).toEqual(range(0, 60).map((e) => e.event_id));
    const grandchild = (await listShardsAll(client, stream)).find((s) => s.ParentShardId === children[0]!.ShardId)!;
    // The parent's closing checkpoint comes before anything of its children; theirs before the merged shard's.
    const at = (s: string) => order.indexOf(s);
    expect(at(`${parent!.ShardId}:closed`)).toBe(0);
    expect(at(`${children[0]!.ShardId}:closed`)).toBeGreaterThan(0);
    expect(at(`${children[1]!.ShardId}:closed`)).toBeGreaterThan(0);
    expect(at(grandchild.ShardId!)).toBeGreaterThan(Math.max(at(`${children[0]!.ShardId}:closed`), at(`${children[1]!.ShardId}:closed`)));

    // A later run reads only the open merged shard.
    await put(stream, range(60, 65));
    expect((await runIngest(options(dataDir, stream))).events).toMatchObject({ landed: 5, shardsFinished: 0 });
  });

  it('renews an expired iterator from the last record read: nothing skipped or repeated', async () => {
    const stream = await newStream(1);
    await put(stream, range(0, 5), 1);
    const send = vi.spyOn(client, 'send');
    const reader = new ShardReader(client, stream, 'shardId-000000000000', undefined);
    const first = await reader.next();
    expect(first.records).toHaveLength(5);
    // kinesalite expires iterators older than 5 minutes, by its (in-process) clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    await put(stream, range(5, 8), 1);
    send.mockClear();
    const second = await reader.next();
    const names = send.mock.calls.map((c) => c[0].constructor.name);
    send.mockRestore();
    expect(names).toEqual(['GetRecordsCommand', 'GetShardIteratorCommand', 'GetRecordsCommand']);
    const ids = second.records.flatMap((r) => JSON.parse(Buffer.from(r.Data!).toString()).event_id);
    expect(ids).toEqual(range(5, 8).map((e) => e.event_id));
  });

  it('lands dead letters from the dead-letter stream and from sealed collector segments, leaving open ones', async () => {
    const stream = await newStream(1);
    const dlStream = await newStream(1);
    const dataDir = newDataDir();
    const letter = (i: number): DeadLetter => ({ retailer_id: 'retailer-1', received_at: BASE_MS + i * 1000, index: i, error: `/ts: bad ${i}`, raw: `{"n":${i}}` });
    await client.send(new PutRecordsCommand({ StreamName: dlStream, Records: packLines([letter(0), letter(1)].map((l) => JSON.stringify(l))).map((d) => ({ Data: d, PartitionKey: 'k' })) }));
    const spool = join(dataDir, 'dead-letters');
    mkdirSync(spool, { recursive: true });
    writeFileSync(join(spool, '1000-1.ndjson'), [letter(2), letter(3)].map((l) => JSON.stringify(l) + '\n').join(''));
    writeFileSync(join(spool, '1001-2.ndjson.open'), JSON.stringify(letter(4)) + '\n');
    const stats = await runIngest(options(dataDir, stream, { deadLetterStream: dlStream }));
    expect(stats.deadLetterStream).toMatchObject({ landed: 2 });
    expect(stats.deadLetterSegments).toEqual({ segments: 1, landed: 2, malformed: 0, deadLettered: 0 });
    const rows = await readLake(dataDir, 'dead_letters', '"index"');
    expect(rows).toEqual([0, 1, 2, 3].map((i) => ({ ...letter(i), dt: i === 0 ? '2026-11-27' : '2026-11-28' })));
    expect(existsSync(join(spool, '1000-1.ndjson'))).toBe(false);
    expect(existsSync(join(spool, '1001-2.ndjson.open'))).toBe(true);
  });
});
