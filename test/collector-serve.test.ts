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
import { createKinesisClient, EMBEDDED_STREAM_NAME, startEmbeddedKinesis } from '../streams/embedded-kinesis.ts';
import { readStream } from '../collector/testing/read-stream.ts';
import { batchBody, realisticEvents } from '../collector/testing/fixtures.ts';
import { serveSettingsFrom } from '../cli/commands/serve.ts';
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
    for (let i = 0; i < 200 && !/demo write key .*: (\S+)/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
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
  });

  it('reads settings from flags over environment variables, and checks them', () => {
    const env = { LIVELENS_PORT: '9000', LIVELENS_SPOOL_MAX_BYTES: '1000', LIVELENS_RATE_ADDRESS_REQUESTS_PER_S: '5' };
    const s = serveSettingsFrom({ port: '9100', dataDir: '/tmp/x' }, env);
    expect(s).toMatchObject({ port: 9100, dataDir: '/tmp/x', spoolMaxBytes: 1000, rateLimits: { addressRequestsPerSecond: 5 }, regionHeader: 'cloudfront-viewer-country' });
    expect(() => serveSettingsFrom({ port: 'eighty' }, {})).toThrow('expected a port from 0 to 65535');
    expect(() => serveSettingsFrom({}, { LIVELENS_RATE_KEY_BURST_EVENTS: '10' })).toThrow('LIVELENS_RATE_KEY_BURST_EVENTS / --rate-key-burst-events is "10": expected an integer from 500');
    expect(() => serveSettingsFrom({}, { LIVELENS_KINESIS_LINGER_MS: '500' })).toThrow('from 0 to 100');
  });
});
