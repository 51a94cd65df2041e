/**
 * `livelens serve` as a real process: embedded kinesalite persisted under
 * the data dir, a generated demo key printed at start, events accepted, and
 * SIGTERM draining then exiting 0 with the events kept in the stream.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createKinesisClient, EMBEDDED_STREAM_NAME, startEmbeddedKinesis } from '../streams/embedded-kinesis.ts';
import { readStream } from '../collector/testing/read-stream.ts';
import { batchBody, realisticEvents } from '../collector/testing/fixtures.ts';
import { startServer } from '../server/start-server.ts';
import { SERVER_SETTINGS } from '../server/server-settings.ts';
import { resolveSettings } from '../config/settings.ts';
import { createServer } from 'node:net';
import { createLogger } from '../collector/log.ts';
import { ensureStream } from '../streams/embedded-kinesis.ts';
import type { EnrichedEvent } from '../contract/enriched.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-serve-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('livelens serve', () => {
  it('runs embedded Kinesis, prints a demo key, and drains on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/livelens.js', 'serve', '--data-dir', dataDir, '--port', '0'], {
      env: { ...process.env, LIVELENS_WRITE_KEYS: '', LIVELENS_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Up to 45 s to start: ~1.5 s idle, but over 10 s was seen with four test files at once on 2 cores.
    for (let i = 0; i < 900 && !/demo write key .*: (\S+)/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/\S+) /.exec(out)?.[1];
    const key = /demo write key .*: (\S+)/.exec(out)?.[1];
    expect(url).toBeDefined();
    expect(key).toMatch(/^demo_[0-9a-f]{24}$/);

    const events = realisticEvents(30, Date.now(), 'serve');
    const res = await fetch(`${url}/v1/events?key=${key}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: batchBody(events, Date.now()) });
    expect(await res.json()).toEqual({ accepted: 30, rejected: [] });
    expect(readFileSync(join(dataDir, 'kinesis', 'endpoint'), 'utf8')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n$/);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM: draining and stopping');
    expect(existsSync(join(dataDir, 'kinesis', 'endpoint'))).toBe(false); // withdrawn with the kinesalite

    // The stream outlives the process: reopen its LevelDB folder and read the events back.
    const k = await startEmbeddedKinesis({ dir: join(dataDir, 'kinesis') });
    const client = createKinesisClient({ endpoint: k.endpoint });
    const got = await readStream<EnrichedEvent>(client, EMBEDDED_STREAM_NAME);
    client.destroy();
    await k.stop();
    expect(got.map((e) => e.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
    expect(new Set(got.map((e) => e.retailer_id))).toEqual(new Set(['default']));
  }, 90_000);

  it('reads settings from flags over environment variables, and checks them', () => {
    const env = { LIVELENS_PORT: '9000', LIVELENS_SPOOL_MAX_BYTES: '1000', LIVELENS_RATE_ADDRESS_REQUESTS_PER_S: '5' };
    const s = resolveSettings(SERVER_SETTINGS, { port: '9100', dataDir: '/tmp/x' }, env);
    expect(s).toMatchObject({ port: 9100, dataDir: '/tmp/x', spoolMaxBytes: 1000, addressRequestsPerSecond: 5, regionHeader: 'cloudfront-viewer-country' });
    expect(() => resolveSettings(SERVER_SETTINGS, { port: 'eighty' }, {})).toThrow('--port must be a whole number from 0 to 65535; got "eighty"');
    expect(() => resolveSettings(SERVER_SETTINGS, {}, { LIVELENS_RATE_KEY_BURST_EVENTS: '10' })).toThrow(
      '--rate-key-burst-events must be a whole number of at least 500 events; got "10" from LIVELENS_RATE_KEY_BURST_EVENTS',
    );
    expect(() => resolveSettings(SERVER_SETTINGS, {}, { LIVELENS_KINESIS_LINGER_MS: '500' })).toThrow('--kinesis-linger-ms must be a whole number from 0 to 100 ms; got "500"');
  });

  it('refuses a bad LIVELENS_WRITE_KEYS entry with one clear line and exit 1, no stack trace', async () => {
    const child = spawn(process.execPath, ['bin/livelens.js', 'serve', '--data-dir', dataDir, '--port', '0', '--write-keys', 'k1@r1=http://a.example,bad key'], {
      env: { ...process.env, LIVELENS_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { code, err } = await outcome(child);
    expect(code).toBe(1);
    expect(err).toBe('livelens: LIVELENS_WRITE_KEYS entry "bad key": the key must be 1 to 128 of [A-Za-z0-9_.~-] (expected key[@retailer][=origin1|origin2])\n');
  });

  it('starts with an unreachable configured Kinesis, spools (200), and drains exactly once when it comes up', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const s = await startServer({ dataDir: join(dataDir, 'outage'), port: 0, writeKeys: 'k1@r1=http://a.example,k2', kinesisEndpoint: endpoint, drainRetryMs: 50, log: createLogger('silent') });
    try {
      const ready = await fetch(`${s.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ streamUp: false });

      const events = realisticEvents(20, Date.now(), 'outage');
      const res = await fetch(`${s.url}/v1/events?key=k2`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: batchBody(events, Date.now()) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accepted: 20, rejected: [] });
      expect(s.collector.counters.snapshot()).toMatchObject({ spooled: 20, forwarded: 0 });

      const k = await startEmbeddedKinesis({ port });
      const client = createKinesisClient({ endpoint });
      try {
        await ensureStream(client, EMBEDDED_STREAM_NAME);
        for (let i = 0; i < 200 && s.collector.counters.drained < 20; i++) await new Promise((r) => setTimeout(r, 50));
        expect(s.collector.counters.snapshot()).toMatchObject({ drained: 20 });
        expect(await (await fetch(`${s.url}/readyz`)).json()).toMatchObject({ streamUp: true, spool: { events: 0 } });
        const got = await readStream<EnrichedEvent>(client, EMBEDDED_STREAM_NAME);
        expect(got.map((e) => e.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
      } finally {
        client.destroy();
        await s.stop();
        await k.stop();
      }
    } finally {
      await s.stop();
    }
  });

  it('serve as a process keeps running when the configured Kinesis refuses connections', async () => {
    const child = spawn(process.execPath, ['bin/livelens.js', 'serve', '--data-dir', join(dataDir, 'refused'), '--port', '0', '--kinesis-endpoint', `http://127.0.0.1:${await freePort()}`], {
      env: { ...process.env, LIVELENS_WRITE_KEYS: 'k1', LIVELENS_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 200 && !/listening on/.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/\S+) /.exec(out)?.[1];
    expect(url).toBeDefined();
    const res = await fetch(`${url}/v1/events?key=k1`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: batchBody(realisticEvents(3, Date.now(), 'refused'), Date.now()) });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

/** A port nothing listens on (taken from the OS, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function outcome(child: ChildProcess): Promise<{ code: number | null; err: string }> {
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, err })));
}
