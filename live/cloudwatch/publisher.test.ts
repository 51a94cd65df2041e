import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { LiveFigures, LiveRegionGroup, LiveSnapshot } from '../snapshot.ts';
import type { LiveView } from '../live-view.ts';
import { createCloudWatchPublisher } from './publisher.ts';
import { batchDatums, datumsOf } from './datums.ts';

const AT = 1_800_000_000_000;
const FIGURES: LiveFigures = {
  concurrent_viewers: 42, sessions: 50, startup_p50_ms: 950.5, startup_p95_ms: 2_000, rebuffer_pct: 1.25, latency_p50_ms: 2_000,
  latency_p95_ms: 4_100, playback_failure_pct: 2, ebvs_pct: 1, events_per_s: 3, clicks: 1, chat_messages: 2,
};
const group = (i: number, f: Partial<LiveFigures> = {}): LiveRegionGroup => ({ retailer_id: `r${i % 3}`, region: `G${i}`, ...FIGURES, ...f });
const snapshot = (groups: LiveRegionGroup[]): LiveSnapshot => ({ at: AT, window_s: 300, groups, shows: [] });

interface Seen {
  headers: IncomingHttpHeaders;
  body: { Namespace: string; MetricData: Array<Record<string, unknown>> };
}

describe('CloudWatch publisher at the wire', () => {
  let server: Server;
  const seen: Seen[] = [];
  let answer: () => { status: number; headers?: Record<string, string>; body: string } = () => ({ status: 200, body: '{}' });
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        seen.push({ headers: req.headers, body: JSON.parse(raw.toString('utf8')) });
        const a = answer();
        res.writeHead(a.status, { 'content-type': 'application/x-amz-json-1.0', ...a.headers }).end(a.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDWATCH', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise((r) => server.close(r));
  });

  const publisher = (intervalS: number, lines: string[] = []) =>
    createCloudWatchPublisher({
      namespace: 'livelens-test', intervalS, view: {} as LiveView,
      log: pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) })),
    });

  it('sends PutMetricData to AWS_ENDPOINT_URL_CLOUDWATCH with names, units, dimensions, values, Timestamp and resolution; nulls left out', async () => {
    seen.length = 0;
    const p = publisher(10);
    await p.publish(snapshot([group(0), group(1, { latency_p95_ms: null, startup_p50_ms: null })]));
    expect(seen).toHaveLength(1);
    const { headers, body } = seen[0]!;
    expect(headers['x-amz-target']).toBe('GraniteServiceVersion20100801.PutMetricData');
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d+\/eu-west-1\/monitoring\/aws4_request/);
    expect(body.Namespace).toBe('livelens-test');
    const at = (d: Record<string, unknown>) => [d.MetricName, (d.Dimensions as { Value: string }[]).map((x) => x.Value).join('/'), d.Value, d.Unit];
    expect(body.MetricData.map(at)).toEqual([
      ['ConcurrentViewers', 'r0/G0', 42, 'Count'],
      ['StartupTimeP50', 'r0/G0', 950.5, 'Milliseconds'],
      ['LatencyP95', 'r0/G0', 4_100, 'Milliseconds'],
      ['RebufferPercent', 'r0/G0', 1.25, 'Percent'],
      ['PlaybackFailurePercent', 'r0/G0', 2, 'Percent'],
      ['ConcurrentViewers', 'r1/G1', 42, 'Count'],
      ['RebufferPercent', 'r1/G1', 1.25, 'Percent'],
      ['PlaybackFailurePercent', 'r1/G1', 2, 'Percent'],
    ]);
    const d0 = body.MetricData[0]!;
    expect(d0.Dimensions).toEqual([{ Name: 'RetailerId', Value: 'r0' }, { Name: 'Region', Value: 'G0' }]);
    expect(d0.Timestamp).toBe(AT / 1000); // epoch seconds on the JSON protocol
    expect(d0.StorageResolution).toBe(1); // interval under 60 s
    expect(p.stats).toMatchObject({ calls: 1, datums: 8, failedCalls: 0 });
  });

  it('batches at 1,000 datums a call (gzipped bodies), standard resolution at 60 s', async () => {
    seen.length = 0;
    const p = publisher(60);
    await p.publish(snapshot(Array.from({ length: 250 }, (_, i) => group(i))));
    expect(seen.map((s) => s.body.MetricData.length)).toEqual([1_000, 250]);
    expect(seen[0]!.headers['content-encoding']).toBe('gzip');
    expect(seen[0]!.body.MetricData[0]).not.toHaveProperty('StorageResolution');
    expect(new Set(seen.flatMap((s) => s.body.MetricData.map((d) => JSON.stringify(d.Dimensions)))).size).toBe(250);
  });

  it('a throttled answer is retried by the SDK; a call failing every attempt is logged and dropped', async () => {
    seen.length = 0;
    let n = 0;
    answer = () =>
      n++ === 0
        ? { status: 400, headers: { 'x-amzn-query-error': 'Throttling;Sender' }, body: JSON.stringify({ __type: 'com.amazonaws.cloudwatch#ThrottlingException', message: 'Rate exceeded' }) }
        : { status: 200, body: '{}' };
    const p = publisher(60);
    await p.publish(snapshot([group(0)]));
    expect(seen).toHaveLength(2);
    expect(seen[1]!.body).toEqual(seen[0]!.body);
    expect(p.stats).toMatchObject({ calls: 1, failedCalls: 0, datums: 5 });

    seen.length = 0;
    answer = () => ({ status: 503, body: JSON.stringify({ __type: 'ServiceUnavailable', message: 'down' }) });
    const lines: string[] = [];
    const failing = publisher(60, lines);
    await failing.publish(snapshot([group(0)]));
    expect(seen).toHaveLength(3); // the SDK's attempts
    expect(failing.stats).toMatchObject({ failedCalls: 1, droppedDatums: 5 });
    expect(lines.some((l) => l.includes('CloudWatch PutMetricData failed after retries; datums dropped'))).toBe(true);
    answer = () => ({ status: 200, body: '{}' });
  }, 30_000);

  it('as a server service: publishes the view\'s latest snapshot every interval, and nothing after stop', async () => {
    seen.length = 0;
    let at = AT;
    const view = { latest: () => ({ ...snapshot([group(0)]), at: (at += 1_000) }) } as unknown as LiveView;
    const p = createCloudWatchPublisher({ namespace: 'livelens-test', intervalS: 1, view, log: pino({ level: 'silent' }) });
    const started = Date.now();
    p.service.start({} as never);
    while (seen.length < 2 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
    await p.service.stop();
    const calls = seen.length;
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 1_000 - 50); // not before the second interval
    // One call per interval, each with that snapshot's at (seconds on the wire), one second apart.
    const stamps = seen.map((x) => x.body.MetricData[0]!.Timestamp as number);
    expect(stamps.slice(1).map((t, i) => t - stamps[i]!)).toEqual(Array(calls - 1).fill(1));
    await new Promise((r) => setTimeout(r, 1_200));
    expect(seen).toHaveLength(calls);
  });

  it('cuts batches by size too: each batch within the byte budget, and full (the next datum would not fit)', () => {
    const many = datumsOf(snapshot(Array.from({ length: 10 }, (_, i) => group(i))), { highResolution: false });
    const size = (d: object) => JSON.stringify(d).length + 1;
    const budget = size(many[0]!) * 20;
    const batches = batchDatums(many, 1_000, budget);
    expect(batches.flat()).toEqual(many);
    expect(batches.length).toBeGreaterThan(1);
    batches.forEach((b, i) => {
      const bytes = b.reduce((s, d) => s + size(d), 0);
      expect(bytes).toBeLessThanOrEqual(budget);
      if (i < batches.length - 1) expect(bytes + size(batches[i + 1]![0]!)).toBeGreaterThan(budget);
    });
  });
});
