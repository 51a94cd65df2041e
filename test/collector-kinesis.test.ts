/**
 * The collector against a real kinesalite over real HTTP: exact payloads on
 * the stream, a stream outage under load (spool, drain, nothing lost or
 * doubled), a restart with a non-empty spool, 503 when the spool is full,
 * and the dead-letter files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from '../streams/embedded-kinesis.ts';
import { startCollector, type CollectorHandle, type CollectorOptions } from '../collector/node.ts';
import type { DurableSink } from '../collector/sinks/durable/index.ts';
import { batchBody, DESKTOP_UA, realisticEvents, TEST_KEY, TEST_RETAILER } from '../collector/testing/fixtures.ts';
import { readStream } from '../collector/testing/read-stream.ts';
import type { DeadLetter, EnrichedEvent } from '../contract/enriched.ts';

const silent = pino({ level: 'silent' });
const NO_LIMITS = { keyEventsPerSecond: 0, addressRequestsPerSecond: 0 };
const dirs: string[] = [];
const handles: Array<{ stop(): Promise<void> }> = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'livelens-collector-'));
  dirs.push(d);
  return d;
}

async function collector(o: CollectorOptions): Promise<CollectorHandle> {
  const c = await startCollector({ port: 0, writeKeys: `${TEST_KEY}@${TEST_RETAILER}`, rateLimits: NO_LIMITS, log: silent, ...o });
  handles.push(c);
  return c;
}

async function post(c: CollectorHandle, events: unknown[], sentAt = Date.now(), headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${c.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-write-key': TEST_KEY, 'user-agent': DESKTOP_UA, ...headers },
    body: batchBody(events, sentAt),
  });
}

/** A loopback port with nothing listening (the stream is down). */
async function deadEndpoint(): Promise<string> {
  const k = await startEmbeddedKinesis();
  await k.stop();
  return k.endpoint;
}

afterEach(async () => {
  for (const h of handles.splice(0).reverse()) await h.stop();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('collector → kinesalite', () => {
  let kinesis: EmbeddedKinesis;
  let client: KinesisClient;
  beforeAll(async () => {
    kinesis = await startEmbeddedKinesis();
    client = createKinesisClient({ endpoint: kinesis.endpoint });
  });
  afterAll(async () => {
    client.destroy();
    await kinesis.stop();
  });

  it('writes the exact enriched events to the stream', async () => {
    await ensureStream(client, 'exact');
    const c = await collector({ dataDir: tempDir(), kinesis: { endpoint: kinesis.endpoint, stream: 'exact' } });
    const now = Date.now();
    const events = realisticEvents(120, now, 'exact');
    const before = Date.now();
    const res = await post(c, [...events, { bad: true }], now - 2_000, { 'cloudfront-viewer-country': 'br' });
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 120, rejected: [{ index: 120 }] });
    const got = await readStream<EnrichedEvent>(client, 'exact');
    expect(got).toHaveLength(120);
    const receivedAt = got[0]!.received_at;
    expect(receivedAt).toBeGreaterThanOrEqual(before);
    expect(receivedAt).toBeLessThanOrEqual(after);
    const expected = events.map((e) => ({
      ...JSON.parse(JSON.stringify(e)),
      retailer_id: TEST_RETAILER, received_at: receivedAt, event_time: e.ts + receivedAt - (now - 2_000), region: 'BR', device: 'desktop',
    }));
    const byId = (a: { event_id: string }, b: { event_id: string }) => a.event_id.localeCompare(b.event_id);
    expect([...got].sort(byId)).toEqual(expected.sort(byId));
    expect(c.counters.snapshot()).toMatchObject({ accepted: 120, forwarded: 120, spooled: 0, rejected: 1 });
  });

  it('answers 503 with Retry-After when the stream is down and the spool is full', async () => {
    const c = await collector({ dataDir: tempDir(), spoolMaxBytes: 4_000, kinesis: { endpoint: await deadEndpoint(), stream: 'none' } });
    const first = await post(c, realisticEvents(5, Date.now(), 'fits'));
    expect(first.status).toBe(200);
    const full = await post(c, realisticEvents(50, Date.now(), 'toobig'));
    expect(full.status).toBe(503);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await full.json()) as { error: string }).error).toContain('spool full');
    const ready = await fetch(`${c.url}/readyz`);
    expect(await ready.json()).toMatchObject({ streamUp: false, spool: { events: 5 } });
  });

  it('drains a spool left by an earlier run at start-up', async () => {
    await ensureStream(client, 'restart');
    const dataDir = tempDir();
    const down = await collector({ dataDir, kinesis: { endpoint: await deadEndpoint(), stream: 'restart' } });
    const events = realisticEvents(40, Date.now(), 'spooled');
    expect((await post(down, events.slice(0, 20))).status).toBe(200);
    expect((await post(down, events.slice(20))).status).toBe(200);
    expect(down.counters.spooled).toBe(40);
    await down.stop();
    expect(readdirSync(join(dataDir, 'spool')).length).toBeGreaterThan(0);

    const up = await collector({ dataDir, kinesis: { endpoint: kinesis.endpoint, stream: 'restart' } });
    await (up.sink as DurableSink).drained();
    expect(readdirSync(join(dataDir, 'spool'))).toEqual([]);
    const got = await readStream<EnrichedEvent>(client, 'restart');
    expect(got.map((e) => e.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
  });

  it('writes every rejected event to a sealed dead-letter file', async () => {
    await ensureStream(client, 'dl');
    const dataDir = tempDir();
    const c = await collector({ dataDir, kinesis: { endpoint: kinesis.endpoint, stream: 'dl' } });
    const res = await post(c, [...realisticEvents(1, Date.now(), 'ok'), { event_id: 'x', type: 'heartbeat' }]);
    const receivedAt = (await readStream<EnrichedEvent>(client, 'dl'))[0]!.received_at;
    expect(res.status).toBe(200);
    await c.stop();
    const files = readdirSync(join(dataDir, 'dead-letters'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{14}-\d{6}\.ndjson$/);
    const lines = readFileSync(join(dataDir, 'dead-letters', files[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DeadLetter);
    expect(lines).toEqual([{ retailer_id: TEST_RETAILER, received_at: receivedAt, index: 1, error: expect.stringContaining('Expected required property'), raw: '{"event_id":"x","type":"heartbeat"}' }]);
  });
});

describe('stream outage under load', () => {
  it('every event answered 200 arrives (once after event_id dedupe) when kinesalite stops and restarts', async () => {
    const dir = tempDir();
    let kinesis = await startEmbeddedKinesis({ dir: join(dir, 'kinesis') });
    const port = kinesis.port;
    const client = createKinesisClient({ endpoint: kinesis.endpoint });
    await ensureStream(client, 'outage');
    const c = await collector({ dataDir: join(dir, 'data'), drainRetryMs: 100, kinesis: { endpoint: kinesis.endpoint, stream: 'outage' } });

    const acknowledged: string[] = [];
    let sent = 0;
    let stop = false;
    const worker = async (w: number) => {
      for (let b = 0; !stop; b++) {
        const events = realisticEvents(25, Date.now(), `w${w}_b${b}`);
        sent += events.length;
        const res = await post(c, events);
        if (res.status === 200) acknowledged.push(...events.map((e) => e.event_id));
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(worker));
    await new Promise((r) => setTimeout(r, 400));
    await kinesis.stop();
    await new Promise((r) => setTimeout(r, 800));
    const spooledDuringOutage = c.counters.spooled;
    kinesis = await startEmbeddedKinesis({ dir: join(dir, 'kinesis'), port });
    await new Promise((r) => setTimeout(r, 400));
    stop = true;
    await load;
    await (c.sink as DurableSink).drained();
    await c.stop();

    const got = await readStream<EnrichedEvent>(client, 'outage');
    client.destroy();
    await kinesis.stop();
    const ids = got.map((e) => e.event_id);
    expect(spooledDuringOutage).toBeGreaterThan(0);
    expect(acknowledged.length).toBe(sent); // the spool took everything while the stream was down
    expect(new Set(ids)).toEqual(new Set(acknowledged));
    // A PutRecords cut off by the stop may have been stored before its answer was lost; the writer
    // cannot tell, so it sends those records again: at most one extra copy each, which event_id
    // dedupe removes. Spooling and draining themselves never send an event twice.
    const copies = new Map<string, number>();
    for (const id of ids) copies.set(id, (copies.get(id) ?? 0) + 1);
    expect(Math.max(...copies.values())).toBeLessThanOrEqual(2);
    expect(ids.length - copies.size).toBeLessThanOrEqual(acknowledged.length / 10);
  });
});
