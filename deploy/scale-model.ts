/**
 * The arithmetic of docs/scale.md: one show with 1,000,000 concurrent
 * viewers. Every input is a constant of the code (the SDK's heartbeat and
 * batching, the simulator's show and audience rates, the record format,
 * the collector's linger and spool, ingest's flush age), a measurement
 * (bench/results/collector.json; the Parquet bytes per column, measured
 * by landing sample events through the real lander), or an assumption
 * named here with its reason, and the AWS list prices below.
 *
 * @example
 * const model = await computeScaleModel(); model.kinesis.packed.shards
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE_COLUMN_NAMES, type LakeColumn } from '../contract/lake.ts';
import { MAX_PACKED_RECORD_BYTES, packEvents } from '../contract/record-format.ts';
import type { EnrichedEvent } from '../contract/enriched.ts';
import { HEARTBEAT_INTERVAL_MS } from '../sdk/heartbeat.ts';
import { BATCH_SIZE_EVENTS, FLUSH_INTERVAL_MS } from '../sdk/emitter.ts';
import { ID_CHARS } from '../sdk/identity.ts';
import { CARD_RECUE_MS, MAX_SHOW_MS, MIN_SHOW_MS } from '../simulate/world/world.ts';
import { CHAT_MESSAGES_PER_MINUTE, CHATTY_RATE, REJOIN_RATE } from '../simulate/world/sessions.ts';
import { DEFAULT_LINGER_MS, DEFAULT_SPOOL_MAX_BYTES } from '../collector/limits.ts';
import { FLUSH_AGE_MS } from '../pipeline/ingest/stream-consumer.ts';
import { EVENTS_TABLE } from '../pipeline/ingest/lake-tables.ts';
import { NdjsonLander } from '../pipeline/ingest/ndjson-lander.ts';
import { loadQuery, QUERIES_DIR } from '../pipeline/engine/query-files.ts';
import { reportGrouping } from '../pipeline/reports/definitions.ts';
import { COLLECTOR_CPU_TARGET_PERCENT, COLLECTOR_TASK_CPU, COLLECTOR_TASK_MEMORY_MIB, INGEST_TASK_CPU, INGEST_TASK_MEMORY_MIB } from './template.ts';
import { MULTIPART_PART_BYTES } from '../pipeline/lake/s3-lake-store.ts';

export const CONCURRENT_VIEWERS = 1_000_000;
/** What Athena's dedupe reads of an event on a neighbouring day (queries/views/events_in_period.sql). */
export const EVENT_COPY_COLUMNS: readonly LakeColumn[] = ['event_id', 'received_at', 'event_time'];
/** One show: the simulator's mean show length. */
export const SHOW_MS = (MIN_SHOW_MS + MAX_SHOW_MS) / 2;
/** Shows of this size per month, for the monthly costs (assumption: one a day). */
export const SHOWS_PER_MONTH = 30;
export const MS_PER_HOUR = 3_600_000;
export const HOURS_PER_MONTH = 730;
export const MIB = 1024 * 1024;
/** Kinesis per-shard write limits. */
export const SHARD_BYTES_PER_S = MIB;
export const SHARD_RECORDS_PER_S = 1_000;
/** Spare capacity kept on every shard (assumption: Kinesis limits are hard, bursts are not smooth). */
export const SHARD_HEADROOM = 1.25;
/** The outage the collector's spool must ride out (the issue's figure). */
export const OUTAGE_MS = 10 * 60_000;
/** The bench:collector variant whose events/s sizes the collector: (b) the collector with a no-op sink. */
export const COLLECTOR_VARIANT = 'noop';
/** Measured collector throughput (npm run bench:collector -- --batch 2 --record ...). */
export const COLLECTOR_MEASUREMENT = new URL('../bench/results/collector.json', import.meta.url);

/**
 * Per viewer, the events of a show that are not fixed by the SDK or the
 * simulator's constants: assumptions, stated in the doc.
 */
export const ASSUMED_PER_VIEWER_HOUR = {
  buffer_start: 2,
  buffer_end: 2,
  quality_change: 4,
  error: 0.2,
  click_to_buy: 0.5,
} as const;
/** Experiments a session is exposed to (assumption: one running test). */
export const EXPOSURES_PER_SESSION = 1;

/**
 * AWS list prices, us-east-1, in USD, as published on the AWS pricing
 * pages (taken on 2026-12-01 from the author's knowledge of those pages;
 * check them before you budget).
 */
export const PRICES = {
  date: '2026-12-01',
  region: 'us-east-1',
  kinesisShardHour: 0.015,
  /** Per million PUT payload units (25 KB each, a record rounds up). */
  kinesisPutUnitsPerMillion: 0.014,
  kinesisPutUnitBytes: 25 * 1024,
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  albHour: 0.0225,
  albLcuHour: 0.008,
  /** One LCU: 3,000 active connections, 1 GB processed an hour, 1,000 rule evaluations a second (the largest dimension is billed). */
  albLcuActiveConnections: 3_000,
  albLcuGbPerHour: 1,
  albLcuRuleEvaluationsPerS: 1_000,
  s3GbMonth: 0.023,
  s3PutPer1000: 0.005,
  athenaPerTb: 5,
  /** Athena bills at least 10 MB per query. */
  athenaMinBytes: 10 * 1024 * 1024,
  cloudwatchMetricMonth: 0.3,
} as const;

export interface TypeRate {
  type: string;
  perViewerPerHour: number;
  source: string;
  eventsPerSecond: number;
  jsonBytes: number;
}

/** A small deterministic random stream for sample ids (xorshift32). */
function randomIds(seed: number): () => string {
  let x = seed >>> 0 || 1;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  return () => {
    let s = '';
    for (let i = 0; i < ID_CHARS; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      s += alphabet[x % 64];
    }
    return s;
  };
}

const REGIONS = ['US', 'DE', 'FR', 'GB', 'BR', 'IN', 'JP', 'ES', 'IT', 'CA', 'MX', 'NL', 'PL', 'SE', 'AU', 'KR'];
const PROPS: Record<string, (i: number) => Record<string, unknown>> = {
  session_start: (i) => ({ autoplay: i % 2 === 0, page: '/live/spring-drop' }),
  startup: (i) => ({ startup_ms: 400 + (i * 37) % 3000 }),
  heartbeat: (i) => ({ watch_ms: 10_000 - (i % 5) * 100, latency_ms: 1500 + (i * 131) % 4000, bitrate_kbps: [1200, 2500, 4500, 6000][i % 4], quality: ['480p', '720p', '1080p', '1080p60'][i % 4] }),
  buffer_start: () => ({}),
  buffer_end: (i) => ({ buffer_ms: 300 + (i * 53) % 4000 }),
  quality_change: (i) => ({ from_kbps: 4500, to_kbps: 2500, quality: ['720p', '480p'][i % 2] }),
  error: () => ({ code: 'MEDIA_ERR_NETWORK', message: 'segment request failed', fatal: false }),
  chat_message: (i) => ({ length: 10 + (i % 80) }),
  product_impression: (i) => ({ product_id: `prod_${i % 40}`, offer_id: `offer_${i % 40}` }),
  click_to_buy: (i) => ({ product_id: `prod_${i % 40}`, offer_id: `offer_${i % 40}`, click_id: `clk_${i}`, price: 29.99, currency: 'USD' }),
  exposure: (i) => ({ experiment_id: 'exp_card_layout', variant: i % 2 ? 'b' : 'a' }),
  session_end: () => ({ reason: 'pagehide' }),
};

/** An enriched event as the collector writes it to Kinesis (ids of the SDK's length). */
function sampleEvent(type: string, i: number, id: () => string, at: number): EnrichedEvent {
  const viewer = id();
  return {
    event_id: id(), type, ts: at, event_time: at, received_at: at + 40,
    viewer_id: viewer, session_id: id(), show_id: 'show_spring_drop', creator_id: 'creator_maya', retailer_id: 'acme',
    ...(i % 3 === 0 ? { user_id: `user_${viewer.slice(0, 12)}` } : {}),
    experiments: { exp_card_layout: i % 2 ? 'b' : 'a' },
    region: REGIONS[i % REGIONS.length]!, device: ['desktop', 'mobile', 'tablet'][i % 3]!,
    props: PROPS[type]!(i),
  } as EnrichedEvent;
}

/** Events per viewer per hour by type: the SDK's and simulator's constants, then the stated assumptions. */
export function typeRates(): Array<Omit<TypeRate, 'eventsPerSecond' | 'jsonBytes'>> {
  const sessionsPerHour = ((1 + REJOIN_RATE) * MS_PER_HOUR) / SHOW_MS;
  return [
    { type: 'heartbeat', perViewerPerHour: MS_PER_HOUR / HEARTBEAT_INTERVAL_MS, source: `SDK: HEARTBEAT_INTERVAL_MS = ${HEARTBEAT_INTERVAL_MS}` },
    { type: 'product_impression', perViewerPerHour: MS_PER_HOUR / CARD_RECUE_MS, source: `simulator: a visible card is re-cued every CARD_RECUE_MS = ${CARD_RECUE_MS} (a card always on screen)` },
    { type: 'chat_message', perViewerPerHour: CHATTY_RATE * CHAT_MESSAGES_PER_MINUTE * 60, source: `simulator: CHATTY_RATE ${CHATTY_RATE} × CHAT_MESSAGES_PER_MINUTE ${CHAT_MESSAGES_PER_MINUTE}` },
    { type: 'session_start', perViewerPerHour: sessionsPerHour, source: `one per session: (1 + REJOIN_RATE ${REJOIN_RATE}) sessions per ${SHOW_MS / 60_000}-minute show` },
    { type: 'startup', perViewerPerHour: sessionsPerHour, source: 'one per session' },
    { type: 'session_end', perViewerPerHour: sessionsPerHour, source: 'one per session' },
    { type: 'exposure', perViewerPerHour: sessionsPerHour * EXPOSURES_PER_SESSION, source: `assumption: ${EXPOSURES_PER_SESSION} experiment per session` },
    ...Object.entries(ASSUMED_PER_VIEWER_HOUR).map(([type, n]) => ({ type, perViewerPerHour: n, source: 'assumption' })),
  ];
}

export interface ColumnBytes {
  column: string;
  bytesPerEvent: number;
}

/** Parquet bytes per event and per column, measured by landing `events` through the real lander (its zstd Parquet V2 files, the lake's row order). */
export async function measureParquet(events: readonly EnrichedEvent[]): Promise<{ bytesPerEvent: number; columns: ColumnBytes[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'livelens-scale-'));
  const lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
  try {
    const result = await lander.land(packEvents(events));
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    try {
      const list = `[${result.files.map((f) => `'${f}'`).join(', ')}]`;
      const rows = (await con.runAndReadAll(`SELECT path_in_schema AS col, sum(total_compressed_size) AS bytes FROM parquet_metadata(${list}) GROUP BY col ORDER BY col`)).getRowObjectsJS();
      const total = Number((await con.runAndReadAll(`SELECT sum(size) FROM read_blob(${list})`)).getRowsJS()[0]![0]);
      return { bytesPerEvent: total / events.length, columns: rows.map((r) => ({ column: String(r.col), bytesPerEvent: Number(r.bytes) / events.length })) };
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  } finally {
    lander.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The lake columns a query reads (its text names them), plus what the events view's dedupe reads. */
export function queryColumns(queryName: string, identifiers: Record<string, string> = {}): LakeColumn[] {
  const sql = loadQuery(queryName, QUERIES_DIR, identifiers).replace(/--.*$/gm, '');
  const used = LAKE_COLUMN_NAMES.filter((c) => new RegExp(`\\b${c}\\b`).test(sql));
  return [...new Set<LakeColumn>([...used, 'event_id', 'received_at'])];
}

/** The reports the doc prices (report, --by); their query comes from the report definitions. */
export const PRICED_REPORTS = [
  ['conversion', 'creator'], ['qoe', 'region'], ['qoe-impact', 'rebuffer'], ['audience', 'show'], ['timeline', 'show'],
] as const;

/** Report label and query file of each priced report. */
export function pricedQueries(): Array<[string, string, Record<string, string>]> {
  return PRICED_REPORTS.map(([name, by]) => {
    const g = reportGrouping(name, by);
    return [`${name} --by ${by}`, g.query, { ...(g.identifiers ?? {}) }];
  });
}

export interface CollectorMeasurement {
  measured_at: string;
  machine: { cpu: string; cores: number; node: string; load_average_1m?: number };
  note: string;
  batch_events: number;
  variants: Record<string, { eventsPerSecond: number; p99Ms: number }>;
}

export async function computeScaleModel() {
  const rates = typeRates();
  const id = randomIds(20261201);
  const sampleAt = Date.UTC(2026, 11, 1, 20);
  // Sample events in the audience's mix (at least 50 of each type), for JSON sizes and Parquet bytes.
  const total = rates.reduce((n, r) => n + r.perViewerPerHour, 0);
  const SAMPLE_EVENTS = 20_000;
  const sample: EnrichedEvent[] = [];
  const perType: TypeRate[] = rates.map((r) => {
    const n = Math.max(50, Math.round((SAMPLE_EVENTS * r.perViewerPerHour) / total));
    const events = Array.from({ length: n }, (_, i) => sampleEvent(r.type, i, id, sampleAt + i * 7));
    sample.push(...events);
    const jsonBytes = events.reduce((b, e) => b + Buffer.byteLength(JSON.stringify(e)) + 1, 0) / n;
    return { ...r, eventsPerSecond: (CONCURRENT_VIEWERS * r.perViewerPerHour) / 3600, jsonBytes };
  });
  const eventsPerSecond = perType.reduce((n, t) => n + t.eventsPerSecond, 0);
  const bytesPerSecond = perType.reduce((n, t) => n + t.eventsPerSecond * t.jsonBytes, 0);
  const perViewerEventsPerS = eventsPerSecond / CONCURRENT_VIEWERS;

  // The SDK sends a batch when BATCH_SIZE_EVENTS are queued or FLUSH_INTERVAL_MS after the first one.
  const perWindow = perViewerEventsPerS * (FLUSH_INTERVAL_MS / 1000);
  const requestsPerViewerPerS = Math.max(perViewerEventsPerS / BATCH_SIZE_EVENTS, (1 - Math.exp(-perWindow)) / (FLUSH_INTERVAL_MS / 1000));
  const requestsPerSecond = CONCURRENT_VIEWERS * requestsPerViewerPerS;

  const measurement = JSON.parse(readFileSync(COLLECTOR_MEASUREMENT, 'utf8')) as CollectorMeasurement;
  // (b), the collector with a no-op sink: its own work per event. (c) adds kinesalite in the same
  // machine, whose cost real Kinesis does not put on the collector.
  const measuredPerCore = measurement.variants[COLLECTOR_VARIANT]!.eventsPerSecond;
  const usablePerInstance = measuredPerCore * (COLLECTOR_TASK_CPU / 1024) * (COLLECTOR_CPU_TARGET_PERCENT / 100);
  const collectorInstances = Math.ceil(eventsPerSecond / usablePerInstance);

  // Packing: each collector instance fills a record for DEFAULT_LINGER_MS (at most MAX_PACKED_RECORD_BYTES).
  const perInstanceBytesPerS = bytesPerSecond / collectorInstances;
  const packedRecordBytes = Math.min(MAX_PACKED_RECORD_BYTES, perInstanceBytesPerS * (DEFAULT_LINGER_MS / 1000));
  const shardsFor = (bytesPerS: number, recordsPerS: number) => ({
    byBytes: bytesPerS / SHARD_BYTES_PER_S,
    byRecords: recordsPerS / SHARD_RECORDS_PER_S,
    shards: Math.ceil(Math.max(bytesPerS / SHARD_BYTES_PER_S, recordsPerS / SHARD_RECORDS_PER_S) * SHARD_HEADROOM),
  });
  const unpacked = { recordsPerSecond: eventsPerSecond, bytesPerSecond, ...shardsFor(bytesPerSecond, eventsPerSecond), putUnitsPerSecond: eventsPerSecond };
  const packedRecordsPerSecond = bytesPerSecond / packedRecordBytes;
  const packed = {
    recordsPerSecond: packedRecordsPerSecond, bytesPerSecond, recordBytes: packedRecordBytes, ...shardsFor(bytesPerSecond, packedRecordsPerSecond),
    putUnitsPerSecond: packedRecordsPerSecond * Math.ceil(packedRecordBytes / PRICES.kinesisPutUnitBytes),
  };

  const spoolBytesTotal = bytesPerSecond * (OUTAGE_MS / 1000);
  const spoolBytesPerInstance = spoolBytesTotal / collectorInstances;

  const parquet = await measureParquet(sample);
  const showSeconds = SHOW_MS / 1000;
  const eventsPerShow = eventsPerSecond * showSeconds;
  const lakeBytesPerShow = parquet.bytesPerEvent * eventsPerShow;
  const columnBytes = new Map(parquet.columns.map((c) => [c.column, c.bytesPerEvent]));
  const copyColumnsPerEvent = EVENT_COPY_COLUMNS.reduce((n, c) => n + (columnBytes.get(c) ?? 0), 0);
  const reports = pricedQueries().map(([report, query, identifiers]) => {
    const cols = queryColumns(query, identifiers);
    const perEvent = cols.reduce((n, c) => n + (columnBytes.get(c) ?? 0), 0);
    // The queries bound dt (pipeline/engine/partition-bounds.ts): a one-day report reads the show's day.
    const scanned = Math.max(PRICES.athenaMinBytes, perEvent * eventsPerShow);
    // Worst case, the neighbouring days' shows lie within EVENT_COPY_MARGIN_MS of midnight: Athena's dedupe then
    // reads their dedupe columns too (a show away from midnight: only row-group statistics, no column data).
    const worst = scanned + 2 * copyColumnsPerEvent * eventsPerShow;
    // Without the dt bounds, as before: every day of the lake so far, here after a month of shows.
    const scannedAfterMonth = Math.max(PRICES.athenaMinBytes, perEvent * eventsPerShow * SHOWS_PER_MONTH);
    return {
      report, query, columns: cols.length, bytesScannedPerDay: scanned, usdPerRun: (scanned / 1024 ** 4) * PRICES.athenaPerTb,
      bytesScannedWorstDay: worst, usdPerRunWorstDay: (worst / 1024 ** 4) * PRICES.athenaPerTb,
      bytesScannedAfterMonth: scannedAfterMonth, usdPerRunAfterMonth: (scannedAfterMonth / 1024 ** 4) * PRICES.athenaPerTb,
    };
  });
  // Ingest lands one file per partition every FLUSH_AGE_MS; each upload of up to MULTIPART_PART_BYTES a part.
  const filesPerShow = Math.ceil(SHOW_MS / FLUSH_AGE_MS);
  const putsPerShow = filesPerShow * Math.max(3, Math.ceil(lakeBytesPerShow / filesPerShow / MULTIPART_PART_BYTES) + 2);

  // Monthly cost: capacity held for the show plus an hour either side; usage per show.
  const heldHours = SHOW_MS / MS_PER_HOUR + 2;
  const monthHeld = heldHours * SHOWS_PER_MONTH;
  const fargateTaskHour = (cpu: number, mib: number) => (cpu / 1024) * PRICES.fargateVcpuHour + (mib / 1024) * PRICES.fargateGbHour;
  const albLcu = Math.max(
    CONCURRENT_VIEWERS / PRICES.albLcuActiveConnections,
    (bytesPerSecond * 3600) / 1e9 / PRICES.albLcuGbPerHour,
    requestsPerSecond / PRICES.albLcuRuleEvaluationsPerS,
  );
  const regionsMetrics = REGIONS.length * 5;
  const costs = [
    { part: 'Kinesis shards (packed)', usd: packed.shards * PRICES.kinesisShardHour * monthHeld, how: `${packed.shards} shards × ${heldHours.toFixed(2)} h × ${SHOWS_PER_MONTH} shows × $${PRICES.kinesisShardHour}/shard-h` },
    { part: 'Kinesis PUT payload units (packed)', usd: (packed.putUnitsPerSecond * showSeconds * SHOWS_PER_MONTH / 1e6) * PRICES.kinesisPutUnitsPerMillion, how: `${Math.round(packed.putUnitsPerSecond)} units/s during the show` },
    { part: 'Collector tasks (Fargate)', usd: collectorInstances * fargateTaskHour(COLLECTOR_TASK_CPU, COLLECTOR_TASK_MEMORY_MIB) * monthHeld, how: `${collectorInstances} tasks of ${COLLECTOR_TASK_CPU / 1024} vCPU / ${COLLECTOR_TASK_MEMORY_MIB / 1024} GB while held` },
    { part: 'ALB', usd: (PRICES.albHour * HOURS_PER_MONTH) + albLcu * PRICES.albLcuHour * monthHeld, how: `always on, plus ${Math.round(albLcu)} LCU while held (active connections dominate)` },
    { part: 'Ingest + dashboard tasks (Fargate, always on)', usd: 2 * fargateTaskHour(INGEST_TASK_CPU, INGEST_TASK_MEMORY_MIB) * HOURS_PER_MONTH, how: `2 tasks of ${INGEST_TASK_CPU / 1024} vCPU / ${INGEST_TASK_MEMORY_MIB / 1024} GB` },
    { part: 'S3 lake storage (after a month of shows)', usd: (lakeBytesPerShow * SHOWS_PER_MONTH / 1e9) * PRICES.s3GbMonth, how: `${(lakeBytesPerShow * SHOWS_PER_MONTH / 1e9).toFixed(1)} GB` },
    { part: 'S3 PUT requests (ingest)', usd: (putsPerShow * SHOWS_PER_MONTH / 1000) * PRICES.s3PutPer1000, how: `${putsPerShow} per show` },
    { part: 'Athena, every priced report once a day', usd: reports.reduce((n, r) => n + r.usdPerRun, 0) * SHOWS_PER_MONTH, how: 'dt bounds: each run reads the show\'s day only' },
    // Without dt bounds each day's run would read every day so far: 1 + 2 + ... + SHOWS_PER_MONTH day-scans.
    { part: '(the same without dt bounds, as before)', usd: reports.reduce((n, r) => n + r.usdPerRun, 0) * (SHOWS_PER_MONTH * (SHOWS_PER_MONTH + 1)) / 2, how: 'each run reads the whole lake so far; not in the total' },
    { part: 'CloudWatch custom metrics', usd: regionsMetrics * PRICES.cloudwatchMetricMonth, how: `5 metrics × ${REGIONS.length} regions × 1 retailer` },
  ];
  const monthlyTotal = costs.filter((c) => !c.part.startsWith('(')).reduce((n, c) => n + c.usd, 0);
  return {
    total: monthlyTotal, perType, eventsPerSecond, bytesPerSecond, requestsPerSecond, perViewerEventsPerS,
    unpacked, packed, measurement, measuredPerCore, usablePerInstance, collectorInstances,
    spoolBytesTotal, spoolBytesPerInstance, parquet, eventsPerShow, lakeBytesPerShow, reports, costs, heldHours, albLcu,
    sampleEvents: sample.length,
  };
}

export type ScaleModel = Awaited<ReturnType<typeof computeScaleModel>>;
export { DEFAULT_LINGER_MS, DEFAULT_SPOOL_MAX_BYTES, FLUSH_INTERVAL_MS, BATCH_SIZE_EVENTS, MAX_PACKED_RECORD_BYTES };
