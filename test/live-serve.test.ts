/**
 * The live path end to end on embedded defaults: events POSTed to the
 * collector go through kinesalite to the live view's own reader, show in
 * /api/v1/live/snapshot (scoped by token) within 5 s, count in /metrics, and
 * a latency problem fires the alert webhook (a receiver on 127.0.0.1); events
 * accepted by a second collector instance on the same stream are in the
 * first one's snapshot too (the live view reads the stream, not its process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../collector/log.ts';
import { createDashboard } from '../dashboard/mount.ts';
import { createLive } from '../live/mount.ts';
import { startServer, type ServerHandle } from '../server/start-server.ts';
import { runCli, startServe } from './spec/cli-harness.ts';

const ADMIN = 's3cret-admin-token-1';
const ACME = 'acme-token-000000001';
const KEYS = 'k_acme_0001@acme,k_globex_001@globex';

describe('live view through a running server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'livelens-live-'));
  let server: ServerHandle;
  let hook: Server;
  const hookBodies: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    hook = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => (hookBodies.push(JSON.parse(text)), res.writeHead(204).end()));
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const log = createLogger('silent');
    const dashboard = createDashboard({ dataDir, dashboardTokens: `${ADMIN}=admin,${ACME}=retailer:acme`, writeKeys: KEYS });
    const live = createLive({
      settings: {
        liveWindowS: 300, alertWebhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, alertRules: 'latency_p95_ms>8000',
        alertMinViewers: 2, alertCooldownS: 600, cloudwatchNamespace: undefined, cloudwatchIntervalS: 60, awsRegion: undefined,
      },
      access: dashboard.access,
      log,
    });
    server = await startServer({ dataDir, port: 0, writeKeys: KEYS, routes: [live.routes, dashboard.routes], services: live.services, metrics: live.metrics, log, regionHeader: 'cloudfront-viewer-country' });
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise((r) => hook.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (key: string, country: string, events: object[]) =>
    fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': key, 'cloudfront-viewer-country': country },
      body: JSON.stringify({ sent_at: Date.now(), events }),
    });
  const heartbeat = (id: string, viewer: string, latency: number) => ({
    event_id: id, type: 'heartbeat', ts: Date.now(), viewer_id: viewer, session_id: `s_${viewer}`, show_id: 'show-live', creator_id: 'c1',
    props: { watch_ms: 10_000, latency_ms: latency },
  });
  const snapshot = async (token: string) => (await fetch(`${server.url}/api/v1/live/snapshot`, { headers: { authorization: `Bearer ${token}` } })).json();

  it('an accepted event is in the snapshot within 5 s, scoped by role; a latency problem fires the webhook', async () => {
    const sent = Date.now();
    expect((await post('k_acme_0001', 'BR', [heartbeat('ev_live_000001', 'v1', 9_000), heartbeat('ev_live_000002', 'v2', 9_500)])).status).toBe(200);
    expect((await post('k_globex_001', 'US', [heartbeat('ev_live_000003', 'g1', 2_000)])).status).toBe(200);
    let admin: { groups: Array<Record<string, unknown>> } = { groups: [] };
    while (admin.groups.length < 2) {
      expect(Date.now() - sent, "events in the snapshot within 5 s").toBeLessThan(5_000);
      await new Promise((r) => setTimeout(r, 100));
      admin = await snapshot(ADMIN);
    }
    expect(admin.groups).toMatchObject([
      { retailer_id: 'acme', region: 'BR', concurrent_viewers: 2, sessions: 2 },
      { retailer_id: 'globex', region: 'US', concurrent_viewers: 1 },
    ]);
    const own = await snapshot(ACME);
    expect(own.groups.map((g: { retailer_id: string }) => g.retailer_id)).toEqual(['acme']);
    const deadline = Date.now() + 5_000;
    while (hookBodies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(hookBodies).toMatchObject([{ status: 'firing', rule: 'latency_p95_ms>8000', metric: 'latency_p95_ms', threshold: 8000, retailer_id: 'acme', region: 'BR' }]);
    const metrics = await (await fetch(`${server.url}/metrics`)).json();
    expect(metrics.live.reader.events).toBeGreaterThanOrEqual(3);
    expect(metrics.live.dropped).toMatchObject({ duplicates: 0, viewers: 0 });
    expect(metrics.alerts.webhook).toMatchObject({ delivered: 1, dropped: 0 });
    expect(metrics.cloudwatch).toBeNull(); // no namespace: no publisher
  });

  it('sees the events of another collector instance writing to the same stream', async () => {
    // A second collector process's part: its own server on the first one's stream, with no live view of its own.
    const other = await startServer({
      dataDir: join(dataDir, 'second'), port: 0, writeKeys: KEYS, kinesisEndpoint: server.kinesisEndpoint, kinesisStream: server.stream,
      log: createLogger('silent'), regionHeader: 'cloudfront-viewer-country',
    });
    try {
      const sent = Date.now();
      const res = await fetch(`${other.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': 'k_acme_0001', 'cloudfront-viewer-country': 'DE' },
        body: JSON.stringify({ sent_at: Date.now(), events: [heartbeat('ev_live_other_01', 'v_other', 2_500)] }),
      });
      expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
      let groups: Array<Record<string, unknown>> = [];
      while (!groups.some((g) => g.region === 'DE')) {
        expect(Date.now() - sent, 'the other instance\'s event in this one\'s snapshot within 5 s').toBeLessThan(5_000);
        await new Promise((r) => setTimeout(r, 100));
        groups = (await snapshot(ADMIN)).groups;
      }
      const de = groups.find((g) => g.region === 'DE')!;
      expect(de).toMatchObject({ retailer_id: 'acme', concurrent_viewers: 1, sessions: 1 });
      expect(Math.abs(Number(de.latency_p50_ms) - 2_500)).toBeLessThanOrEqual(2_500 * 0.01); // DDSketch: within 1%
    } finally {
      await other.stop();
    }
  });

  it('livelens serve stops with one line naming a bad alert rule', async () => {
    const r = await runCli(['serve', '--port', '0', '--data-dir', join(dataDir, 'bad'), '--alert-rules', 'latency_p95_ms>8000,buffering>3']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('alert rule "buffering>3"');
  });
});

describe('livelens serve --live off (a collector-only instance)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'livelens-live-off-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs no live view (nothing reads the stream, no live routes) and refuses alert and CloudWatch settings', async () => {
    const refused = await runCli(['serve', '--port', '0', '--data-dir', join(dir, 'refused'), '--live', 'off', '--cloudwatch-namespace', 'livelens']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('--cloudwatch-namespace / LIVELENS_CLOUDWATCH_NAMESPACE needs the live view, which --live / LIVELENS_LIVE turns off');
    const serve = await startServe(['--port', '0', '--data-dir', join(dir, 'off'), '--dashboard-tokens', `${ADMIN}=admin`], { LIVELENS_LIVE: 'off' });
    try {
      const deadline = Date.now() + 10_000;
      while (!serve.output().includes('live view: off') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(serve.output()).toContain('live view: off (--live off): this instance reads nothing from the stream');
      expect((await (await fetch(`${serve.url}/metrics`)).json()).live).toBeNull();
      const live = await fetch(`${serve.url}/api/v1/live/snapshot`, { headers: { authorization: `Bearer ${ADMIN}` } });
      expect(live.status).toBe(404);
    } finally {
      await serve.stop();
    }
  });
});

describe('livelens cloudwatch alarms', () => {
  it('prints CloudFormation JSON with the alert rules\' thresholds, and names the namespace when it is missing', async () => {
    const [ok, missing] = await Promise.all([
      runCli(['cloudwatch', 'alarms', '--cloudwatch-namespace', 'livelens', '--alert-rules', 'latency_p95_ms>6000']),
      runCli(['cloudwatch', 'alarms']),
    ]);
    expect(ok.code).toBe(0);
    const t = JSON.parse(ok.stdout);
    const alarms = Object.values(t.Resources) as Array<{ Properties: { Threshold: number } }>;
    expect(alarms.map((a) => a.Properties.Threshold)).toEqual([6000]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--cloudwatch-namespace / LIVELENS_CLOUDWATCH_NAMESPACE');
  });
});
