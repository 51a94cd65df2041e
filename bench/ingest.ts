/**
 * Ingest benchmark (issue 4): events per second landed as Parquet, beside a
 * baseline of DuckDB writing the same rows to Parquet directly, in one run
 * with interleaved rounds.
 *
 *   baseline   the rows already in a DuckDB table, `COPY ... TO` Parquet (zstd): the floor
 *   lander     NdjsonLander.land(packed records): parse, flatten, dedupe, partition, fsync
 *   appender   the alternative it replaced: JSON.parse + toLakeRow + DuckDB appender + COPY
 *   read       reading the same records back from kinesalite only (GetRecords, no landing)
 *   ingest     runIngest --once from an in-memory kinesalite (records put beforehand): read + lander
 *
 * @example
 * node --import tsx bench/ingest.ts --events 100000 --rounds 3
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EnrichedEvent } from '../contract/enriched.ts';
import { LAKE_COLUMN_NAMES, LAKE_EVENT_COLUMNS, toLakeRow } from '../contract/lake.ts';
import { packEvents, unpackRecord } from '../contract/record-format.ts';
import { EVENTS_TABLE } from '../pipeline/ingest/lake-tables.ts';
import { NdjsonLander } from '../pipeline/ingest/ndjson-lander.ts';
import { runIngest } from '../pipeline/ingest/run-ingest.ts';
import { listShardsAll } from '../pipeline/ingest/shard-lineage.ts';
import { ShardReader } from '../pipeline/ingest/shard-reader.ts';
import { createKinesisClient, ensureStream, startEmbeddedKinesis } from '../streams/embedded-kinesis.ts';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);

/** A realistic mix: mostly heartbeats, some QoE and commerce events, over two days. */
function makeEvents(n: number): EnrichedEvent[] {
  const base = Date.UTC(2026, 10, 27, 12);
  const kinds: Array<[string, Record<string, unknown>]> = [
    ['heartbeat', { watch_ms: 10000, latency_ms: 2100, bitrate_kbps: 4500, quality: '1080p' }],
    ['heartbeat', { watch_ms: 9500, latency_ms: 2600, bitrate_kbps: 3000, quality: '720p' }],
    ['heartbeat', { watch_ms: 10000, latency_ms: 1900 }],
    ['buffer_end', { buffer_ms: 800 }],
    ['chat_message', { length: 24 }],
    ['product_impression', { product_id: 'p-17', offer_id: 'o-3' }],
    ['click_to_buy', { product_id: 'p-17', offer_id: 'o-3', click_id: 'clk', price: 29.9, currency: 'USD' }],
    ['startup', { startup_ms: 950 }],
  ];
  return Array.from({ length: n }, (_, i) => {
    const [type, props] = kinds[i % kinds.length]!;
    const t = base + Math.floor((i / n) * 36 * 3600_000);
    return {
      event_id: `ev_${i.toString(36).padStart(10, '0')}`,
      type,
      ts: t,
      viewer_id: `viewer_${i % 5000}`,
      session_id: `session_${i % 12000}`,
      show_id: `show_${i % 40}`,
      creator_id: `creator_${i % 12}`,
      ...(i % 3 === 0 ? { user_id: `user_${i % 4000}` } : {}),
      ...(i % 10 === 0 ? { experiments: { checkout_button: i % 20 === 0 ? 'A' : 'B' } } : {}),
      props: type === 'click_to_buy' ? { ...props, click_id: `clk_${i}` } : props,
      retailer_id: 'retailer_1',
      received_at: t + 40,
      event_time: t,
      region: ['US', 'DE', 'BR', 'JP'][i % 4]!,
      device: i % 3 === 0 ? 'mobile' : 'desktop',
    } as EnrichedEvent;
  });
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const events = makeEvents(EVENTS);
const records = packEvents(events);
const root = mkdtempSync(join(tmpdir(), 'livelens-bench-ingest-'));
const fresh = (name: string) => mkdtempSync(join(root, `${name}-`));

// Baseline: the same rows, already in DuckDB, written out as Parquet.
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const seedLander = await NdjsonLander.open({ dataDir: fresh('seed'), spec: EVENTS_TABLE });
await seedLander.land(records);
seedLander.close();
await con.run(`CREATE TABLE rows AS SELECT * FROM read_parquet('${join(root, 'seed-*', 'lake', 'events', '*', '*.parquet')}', hive_partitioning = false)`);
const baseline = async () => {
  await con.run(`COPY rows TO '${join(fresh('baseline'), 'all.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);
};

const lander = async () => {
  const l = await NdjsonLander.open({ dataDir: fresh('lander'), spec: EVENTS_TABLE });
  await l.land(records);
  l.close();
};

const appender = async () => {
  const staging = (t: string) => (t === 'BIGINT' ? 'DOUBLE' : t);
  await con.run(`CREATE OR REPLACE TEMP TABLE staged (${LAKE_COLUMN_NAMES.map((c) => `"${c}" ${staging(LAKE_EVENT_COLUMNS[c])}`).join(', ')})`);
  const a = await con.createAppender('staged', 'main', 'temp');
  for (const r of records) {
    for (const e of unpackRecord(r)) {
      const row = toLakeRow(e);
      for (const c of LAKE_COLUMN_NAMES) {
        const v = row[c];
        if (v === null) a.appendNull();
        else if (typeof v === 'string') a.appendVarchar(v);
        else if (typeof v === 'boolean') a.appendBoolean(v);
        else a.appendDouble(v);
      }
      a.endRow();
    }
  }
  a.closeSync();
  const cols = LAKE_COLUMN_NAMES.map((c) => (LAKE_EVENT_COLUMNS[c] === 'BIGINT' ? `CAST("${c}" AS BIGINT) AS "${c}"` : `"${c}"`)).join(', ');
  await con.run(`COPY (SELECT ${cols} FROM staged) TO '${join(fresh('appender'), 'all.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);
};

const kinesis = await startEmbeddedKinesis();
const client = createKinesisClient({ endpoint: kinesis.endpoint });
const ingest = async (stream: string) => {
  await runIngest({ dataDir: fresh('ingest'), kinesis: { stream }, client, once: true, deadLetterStream: null });
};
const readOnly = async (stream: string) => {
  let n = 0;
  for (const shard of await listShardsAll(client, stream)) {
    const reader = new ShardReader(client, stream, shard.ShardId!, undefined);
    for (let b = await reader.next(); ; b = await reader.next()) {
      n += b.records.length;
      if (b.atTip) break;
    }
  }
  if (n !== records.length) throw new Error(`read ${n} of ${records.length} records`);
};
async function prepareStream(round: number): Promise<string> {
  const stream = `bench-${round}`;
  await ensureStream(client, stream, 2);
  for (let i = 0; i < records.length; i += 40) {
    const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: records.slice(i, i + 40).map((d, j) => ({ Data: d, PartitionKey: `pk${i + j}` })) }));
    if (out.FailedRecordCount) throw new Error(`${out.FailedRecordCount} records refused by kinesalite`);
  }
  return stream;
}

const times: Record<string, number[]> = { baseline: [], lander: [], appender: [], read: [], ingest: [] };
for (let round = 0; round < ROUNDS; round++) {
  times.baseline!.push(await timed(baseline));
  times.lander!.push(await timed(lander));
  times.appender!.push(await timed(appender));
  const stream = await prepareStream(round);
  times.read!.push(await timed(() => readOnly(stream)));
  times.ingest!.push(await timed(() => ingest(stream)));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (ms: number) => Math.round(EVENTS / (ms / 1000));
const base = median(times.baseline!);
console.log(`ingest bench: ${EVENTS} events in ${records.length} packed records, ${ROUNDS} rounds, medians`);
for (const [name, xs] of Object.entries(times)) {
  const ms = median(xs);
  console.log(`${name.padEnd(9)} ${ms.toFixed(0).padStart(6)} ms  ${String(rate(ms)).padStart(9)} events/s  ${(ms / base).toFixed(2)}x baseline time`);
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

client.destroy();
await kinesis.stop();
con.closeSync();
instance.closeSync();
rmSync(root, { recursive: true, force: true });
