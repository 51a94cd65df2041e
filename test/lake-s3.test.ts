/**
 * The lake on S3 at the wire level: a real local S3 (s3rver on 127.0.0.1,
 * started here) and real kinesalite. Ingest and orders import land the same
 * Hive layout on S3 as in a folder; DuckDB over the downloaded objects gives
 * the same reports as the local lake; re-importing orders changes nothing;
 * a shard's checkpoint (on S3, beside the lake) is committed only after the
 * upload completed; large files go up in multipart.
 */
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { EnrichedEvent } from '../contract/enriched.ts';
import { packEvents } from '../contract/record-format.ts';
import { createKinesisClient, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from '../streams/embedded-kinesis.ts';
import { runIngest } from '../pipeline/ingest/run-ingest.ts';
import { importOrders } from '../pipeline/orders/import-orders.ts';
import { runReport } from '../pipeline/reports/run-report.ts';
import { dataHealth } from '../dashboard/api/data-health.ts';
import { parseLakeLocation, parseS3Url, type LakeLocation } from '../pipeline/lake/lake-location.ts';
import type { LakeStore } from '../pipeline/lake/lake-store.ts';
import { createS3Client } from '../pipeline/lake/s3-client.ts';
import { MULTIPART_PART_BYTES, S3_STAGING_DIR, S3LakeStore } from '../pipeline/lake/s3-lake-store.ts';
import { runCli } from './spec/cli-harness.ts';
import { BASE_MS, enriched, useTempDataDirs } from './ingest-fixtures.ts';
import { startLocalS3, type LocalS3 } from './s3-fixtures.ts';

const BUCKET = 'lake-bucket';
const newDataDir = useTempDataDirs();
let s3: LocalS3;
let kinesis: EmbeddedKinesis;
let kinesisClient: KinesisClient;
let streamNo = 0;

beforeAll(async () => {
  [s3, kinesis] = await Promise.all([startLocalS3([BUCKET]), startEmbeddedKinesis()]);
  kinesisClient = createKinesisClient({ endpoint: kinesis.endpoint });
});
afterAll(async () => {
  kinesisClient.destroy();
  await Promise.all([s3.stop(), kinesis.stop()]);
});

function s3Lake(prefix: string, dataDir: string): S3LakeStore {
  return new S3LakeStore(parseS3Url(`s3://${BUCKET}/${prefix}`, 'test'), { dataDir, client: s3.client });
}

/** A small live show around midnight UTC (two dt partitions): sessions with QoE, impressions, clicks. */
function showEvents(): EnrichedEvent[] {
  const events: EnrichedEvent[] = [];
  let n = 0;
  for (let v = 0; v < 24; v++) {
    const base = { viewer_id: `viewer-${v}`, session_id: `session-${v}`, creator_id: `creator-${v % 3}`, show_id: `show-${v % 2}`, region: ['US', 'DE', 'FR'][v % 3]!, user_id: `user-${v}` };
    const at = (ms: number, type: string, props: Record<string, unknown>) => {
      const t = BASE_MS - 30_000 + v * 2_000 + ms;
      events.push(enriched(++n, { ...base, type, props, ts: t, event_time: t, received_at: t + 50 } as Partial<EnrichedEvent>));
    };
    at(0, 'session_start', {});
    at(100, 'startup', { startup_ms: 400 + v * 37 });
    for (let h = 1; h <= 3; h++) at(h * 10_000, 'heartbeat', { watch_ms: 10_000 - (v % 4) * 500, latency_ms: 1500 + ((v * h * 131) % 2500) });
    if (v % 4 === 0) at(15_000, 'buffer_end', { buffer_ms: 500 + v * 10 });
    at(20_000, 'product_impression', { product_id: `p-${v % 5}`, offer_id: `o-${v % 5}` });
    if (v % 2 === 0) at(21_000, 'click_to_buy', { product_id: `p-${v % 5}`, offer_id: `o-${v % 5}`, click_id: `click-${v}`, price: 10 + v, currency: 'USD' });
  }
  // A re-delivered copy (same event_id), in the original's record so it is read after it: dropped at
  // landing, counted once on both lakes. (A copy read before its original, from another shard, lands
  // too and the lake's dedupe keeps the original: pipeline/ingest/ndjson-lander.test.ts.)
  events.splice(6, 0, { ...events[5]!, received_at: events[5]!.received_at + 1_000 });
  return events;
}

function ordersCsv(dir: string): string {
  const lines = ['order_id,ts,user_id,click_id,product_id,quantity,unit_price,currency'];
  for (let v = 0; v < 24; v += 2) {
    if (v % 3 === 0) continue;
    lines.push(`ord-${v},${BASE_MS + 60_000 + v * 1000},user-${v},click-${v},p-${v % 5},${1 + (v % 3)},${10 + v},USD`);
  }
  const path = join(dir, 'orders.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function newStreamWith(events: EnrichedEvent[]): Promise<string> {
  const stream = `lake-s3-${process.pid}-${++streamNo}`;
  await ensureStream(kinesisClient, stream, 2);
  const records = [];
  for (let i = 0; i < events.length; i += 4) {
    const group = events.slice(i, i + 4);
    for (const data of packEvents(group)) records.push({ Data: data, PartitionKey: group[0]!.viewer_id });
  }
  const out = await kinesisClient.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
  expect(out.FailedRecordCount).toBe(0);
  return stream;
}

const ingestOnce = (dataDir: string, stream: string, lake?: LakeStore) =>
  runIngest({ dataDir, lake, kinesis: { stream, endpoint: kinesis.endpoint }, client: kinesisClient, once: true, deadLetterStream: null, idlePollMs: 50 });

/** Every report the comparison covers, run with DuckDB on a data dir. */
async function reports(dataDir: string, lake?: LakeLocation): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, by] of [['conversion', 'creator'], ['conversion', 'region'], ['conversion', 'offer'], ['qoe', 'region'], ['qoe', 'show'], ['audience', 'show']] as const) {
    out[`${name} --by ${by}`] = (await runReport(name, { by, dataDir, engine: 'duckdb', lake })).rows;
  }
  return out;
}

/** Copies every object under `s3://BUCKET/prefix/` to `<dir>/lake/<key>`: the lake as DuckDB reads it. */
async function download(prefix: string, dir: string): Promise<string[]> {
  const keys = (await s3.keys(BUCKET, `${prefix}/`)).map((k) => k.slice(prefix.length + 1));
  for (const key of keys.filter((k) => k.endsWith('.parquet'))) {
    const path = join(dir, 'lake', ...key.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await s3.get(BUCKET, `${prefix}/${key}`));
  }
  return keys;
}

function localKeys(lakeDir: string, sub = ''): string[] {
  if (!existsSync(join(lakeDir, sub))) return [];
  return readdirSync(join(lakeDir, sub), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? localKeys(lakeDir, join(sub, e.name)) : [join(sub, e.name)]);
}
/** `table/dt=.../` of every file: the layout without the random file names. */
const layout = (keys: string[]) => [...new Set(keys.filter((k) => k.endsWith('.parquet')).map((k) => k.replace(/[^/]+$/, '')))].sort();

describe('the lake on S3', () => {
  it('ingest and orders import land the local layout on S3; DuckDB over the downloaded objects gives the local lake\'s reports; re-importing changes nothing', async () => {
    const events = showEvents();
    const stream = await newStreamWith(events);
    const local = newDataDir();
    const remote = newDataDir();
    const orders = ordersCsv(local);

    const localIngest = await ingestOnce(local, stream);
    await importOrders(orders, { dataDir: local, retailer: 'retailer-1', now: BASE_MS + 3_600_000 });

    const lake = s3Lake('acme/lake', remote);
    const remoteIngest = await ingestOnce(remote, stream, lake);
    const imported = await importOrders(orders, { dataDir: remote, retailer: 'retailer-1', now: BASE_MS + 3_600_000, lake });
    expect(remoteIngest.events.landed).toBe(localIngest.events.landed);
    expect(remoteIngest.events.landed).toBe(events.length - 1);
    expect(imported.files.every((f) => f.startsWith(`s3://${BUCKET}/acme/lake/orders/dt=`))).toBe(true);

    // Same Hive layout; nothing of the lake or its checkpoints left on the S3 writer's disk.
    const keys = await s3.keys(BUCKET, 'acme/');
    const relative = keys.map((k) => k.slice('acme/lake/'.length));
    expect(layout(relative)).toEqual(layout(localKeys(join(local, 'lake'))));
    expect(layout(relative)).toEqual(['events/dt=2026-11-27/', 'events/dt=2026-11-28/', 'orders/dt=2026-11-28/']);
    for (const table of ['events', 'orders', 'dead_letters']) expect(existsSync(join(remote, 'lake', table)), table).toBe(false);
    expect(readdirSync(join(remote, S3_STAGING_DIR))).toEqual([]);
    // Checkpoints beside the S3 lake, one per shard, not in the (ephemeral) data dir.
    const checkpoints = relative.filter((k) => k.startsWith(`_livelens/checkpoints/${stream}/`));
    expect(checkpoints).toHaveLength(2);
    expect(existsSync(join(remote, 'checkpoints', stream))).toBe(false);

    const downloaded = newDataDir();
    await download('acme/lake', downloaded);
    const expected = await reports(local);
    const byCreator = expected['conversion --by creator'] as Array<{ revenue: number; buyers: number }>;
    expect(byCreator).toHaveLength(3);
    expect(byCreator.reduce((n, r) => n + r.buyers, 0)).toBeGreaterThan(0);
    expect(await reports(downloaded)).toEqual(expected);
    // LIVELENS_LAKE as a folder elsewhere than <data dir>/lake: DuckDB reads it there.
    expect(await reports(newDataDir(), parseLakeLocation(join(downloaded, 'lake'), 'LIVELENS_LAKE'))).toEqual(expected);

    // Re-importing the same file to S3 adds no object and changes no report, also from a fresh data dir (no download cache).
    const again = await importOrders(orders, { dataDir: remote, retailer: 'retailer-1', now: BASE_MS + 7_200_000, lake });
    expect(again).toMatchObject({ loaded: imported.loaded, unchanged: imported.loaded, files: [] });
    const fresh = newDataDir();
    const third = await importOrders(orders, { dataDir: fresh, retailer: 'retailer-1', now: BASE_MS + 9_000_000, lake: s3Lake('acme/lake', fresh) });
    expect(third).toMatchObject({ unchanged: imported.loaded, files: [] });
    // (Each import records its data-health counts, a new object under health/; no lake file.)
    const notHealth = (k: string) => !k.startsWith('acme/lake/health/');
    expect((await s3.keys(BUCKET, 'acme/')).filter(notHealth)).toEqual(keys.filter(notHealth));

    // A second ingest run resumes from the S3 checkpoints: nothing new, nothing landed twice.
    const resumed = await ingestOnce(remote, stream, lake);
    expect(resumed.events.records).toBe(0);
    expect(await s3.keys(BUCKET, 'acme/lake/events/')).toEqual(keys.filter((k) => k.startsWith('acme/lake/events/')));
  }, 60_000);

  it('records the data-health counts in the S3 lake, and data health reads them back as on a local lake', async () => {
    const events = showEvents();
    const stream = await newStreamWith(events);
    const local = newDataDir();
    const remote = newDataDir();
    const orders = ordersCsv(local);
    writeFileSync(orders, 'ord-bad,not-a-time,user-1,,p-1,1,10,USD\n', { flag: 'a' });
    const lake = s3Lake('health/lake', remote);
    for (const [dataDir, store] of [[local, undefined], [remote, lake]] as const) {
      await ingestOnce(dataDir, stream, store);
      await importOrders(orders, { dataDir, retailer: 'retailer-1', now: BASE_MS + 3_600_000, lake: store });
    }
    // Beside the lake's tables on S3, not on the writer's disk.
    const health = (await s3.keys(BUCKET, 'health/lake/health/')).map((k) => k.replace(/[^/]+$/, ''));
    // Duplicates by the day of their received_at (the re-delivered copy: 2026-11-27), the import by its day.
    expect([...new Set(health)]).toEqual(['health/lake/health/ingest_duplicates/dt=2026-11-27/', 'health/lake/health/order_imports/dt=2026-11-28/']);
    expect(existsSync(join(remote, 'lake', 'health'))).toBe(false);

    // Read back through the store from a data dir that never saw the lake (it downloads into its cache).
    const reader = newDataDir();
    const fromS3 = await dataHealth(reader, {}, s3Lake('health/lake', reader));
    const fromFolder = await dataHealth(local, {});
    expect(fromS3.rows.find((r) => r.day === '2026-11-27')).toMatchObject({ duplicates_dropped: 1 });
    const day = fromS3.rows.find((r) => r.day === '2026-11-28')!;
    expect(day).toMatchObject({ order_lines_refused: 1 });
    expect(Number(day.order_lines_imported)).toBeGreaterThan(0);
    expect(fromS3.rows.reduce((n, r) => n + Number(r.events_accepted), 0)).toBe(events.length - 1);
    expect(fromS3.rows).toEqual(fromFolder.rows);
  }, 60_000);

  it('commits a shard\'s checkpoint only after its upload completed; a failed upload leaves no checkpoint and the next run lands it once', async () => {
    const distinct = showEvents().filter((e, i, all) => all.findIndex((o) => o.event_id === e.event_id) === i);
    const stream = await newStreamWith(distinct.slice(0, 40));
    const dataDir = newDataDir();
    const real = s3Lake('order/lake', dataDir);
    const log: string[] = [];
    let failUploads = true;
    const watched: LakeStore = Object.assign(Object.create(real) as LakeStore, {
      async publish(staged: string, table: Parameters<LakeStore['publish']>[1], dt: string, name: string) {
        log.push(`upload start ${table}`);
        if (failUploads) throw new Error('injected: S3 refused the upload');
        const url = await real.publish(staged, table, dt, name);
        log.push(`upload done ${table}`);
        return url;
      },
      async writeSidecar(name: string, text: string) {
        log.push(`checkpoint ${name.split('/').pop()}`);
        return real.writeSidecar(name, text);
      },
    });

    await expect(ingestOnce(dataDir, stream, watched)).rejects.toThrow(/injected: S3 refused the upload/);
    expect(log.filter((l) => l.startsWith('checkpoint'))).toEqual([]);
    expect(await s3.keys(BUCKET, 'order/')).toEqual([]);

    failUploads = false;
    log.length = 0;
    const run = await ingestOnce(dataDir, stream, watched);
    expect(run.events.landed).toBe(40);
    const firstCheckpoint = log.findIndex((l) => l.startsWith('checkpoint'));
    const lastUploadDone = log.map((l) => l.startsWith('upload done')).lastIndexOf(true);
    expect(firstCheckpoint).toBeGreaterThan(lastUploadDone);
    expect(log.filter((l) => l.startsWith('checkpoint'))).toHaveLength(2);
    const downloaded = newDataDir();
    await download('order/lake', downloaded);
    const rows = (await runReport('qoe', { by: 'region', dataDir: downloaded, engine: 'duckdb' })).rows;
    expect(rows.reduce((n, r) => n + Number(r.sessions), 0)).toBeGreaterThan(0);
  }, 60_000);

  it('uploads a file larger than one part as a multipart upload, byte for byte', async () => {
    const dataDir = newDataDir();
    const client = createS3Client({ env: s3.env });
    const commands: string[] = [];
    client.middlewareStack.add((next, context) => async (args) => {
      commands.push(context.commandName ?? '');
      return next(args);
    }, { step: 'initialize', name: 'recordCommands' });
    const lake = new S3LakeStore(parseS3Url(`s3://${BUCKET}/big`, 'test'), { dataDir, client, ownsClient: true });
    const staged = await lake.stagingPath('events', '2026-11-28', 'part-big.parquet');
    const bytes = randomBytes(MULTIPART_PART_BYTES * 2 + 12_345);
    writeFileSync(staged, bytes);
    const url = await lake.publish(staged, 'events', '2026-11-28', 'part-big.parquet');
    expect(url).toBe(`s3://${BUCKET}/big/events/dt=2026-11-28/part-big.parquet`);
    expect(existsSync(staged)).toBe(false);
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands).toContain('CompleteMultipartUploadCommand');
    expect(commands).not.toContain('PutObjectCommand');
    expect(Buffer.from(await s3.get(BUCKET, 'big/events/dt=2026-11-28/part-big.parquet')).equals(bytes)).toBe(true);
    expect((await lake.list('events')).map((o) => o.key)).toEqual(['events/dt=2026-11-28/part-big.parquet']);
    lake.close();
  }, 60_000);

  it('the CLI: orders import writes to LIVELENS_LAKE=s3://...; the duckdb engine refuses an s3:// lake naming both settings', async () => {
    const dataDir = newDataDir();
    const orders = ordersCsv(dataDir);
    const env = { ...s3.env, LIVELENS_DATA_DIR: dataDir, LIVELENS_LAKE: `s3://${BUCKET}/cli/lake`, LIVELENS_LAKE_S3: `s3://${BUCKET}/ignored` };
    const [imported, report] = await Promise.all([
      runCli(['orders', 'import', orders, '--retailer', 'acme'], env),
      runCli(['report', 'conversion', '--by', 'creator', '--engine', 'duckdb'], env),
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ loaded: 8, skipped: 0, files: 1 });
    // The lines, and the import's data-health counts (by day of the import) beside them.
    expect((await s3.keys(BUCKET, 'cli/')).map((k) => k.replace(/part-[^/]+$/, 'part').replace(/dt=[^/]+\/[^/]+\.ndjson$/, 'counts'))).toEqual([
      'cli/lake/health/order_imports/counts', 'cli/lake/orders/dt=2026-11-28/part',
    ]);
    expect(await s3.keys(BUCKET, 'ignored/')).toEqual([]);
    expect(report.code).toBe(1);
    expect(report.stdout).toBe('');
    expect(report.stderr).toMatch(/the duckdb engine reads a local lake only, but LIVELENS_LAKE is s3:\/\/lake-bucket\/cli\/lake: use --engine athena .* set LIVELENS_LAKE \(or the older LIVELENS_LAKE_S3\) to a folder/);
  }, 60_000);
});
