/**
 * docs/spec.md §2 (errors 429 and 503, dead letters), black box: `livelens serve` against a local
 * Kinesis (kinesalite) that the test stops, with a small spool and a tight per-address rate.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import kinesalite from 'kinesalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDir, startServe, type ServeHandle } from './cli-harness.ts';

const KEY = 'specLimitsKey-hhhh';
/** Spool bound small enough that a few batches fill it. */
const SPOOL_MAX_BYTES = 4000;
/** Requests before the spool must be full (each carries ~700 bytes of events). */
const MAX_POSTS_UNTIL_FULL = 40;

let dataDir = '';
let kinesis: Server;
let serve: ServeHandle;
let counter = 0;

function batch(props: Record<string, unknown>, type = 'session_start'): string {
  counter += 1;
  const now = Date.now();
  return JSON.stringify({
    sent_at: now,
    events: [{ event_id: `limits_${type}_${counter}`, type, ts: now, viewer_id: 'v', session_id: 's', show_id: 'sh', creator_id: 'c', props }],
  });
}

function post(body: string, client: string): Promise<Response> {
  return fetch(`${serve.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-write-key': KEY, 'x-spec-client': client },
    body,
  });
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

beforeAll(async () => {
  dataDir = await makeDataDir();
  kinesis = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((done) => kinesis.listen(0, '127.0.0.1', () => done()));
  const { port } = kinesis.address() as AddressInfo;
  serve = await startServe([
    '--data-dir', dataDir,
    '--port', '0',
    '--write-keys', `${KEY}@rl`,
    '--kinesis-endpoint', `http://127.0.0.1:${port}`,
    '--spool-max-bytes', String(SPOOL_MAX_BYTES),
    '--client-address-header', 'x-spec-client',
    '--rate-address-requests-per-s', '1',
    '--rate-address-burst-requests', '2',
  ]);
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await new Promise<void>((done) => (kinesis ? kinesis.close(() => done()) : done()));
  await removeDir(dataDir);
});

describe('collector limits', () => {
  it('answers 429 with Retry-After past the rate limit', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i += 1) {
      const response = await post(batch({}), 'busy-client');
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('sends every rejected event to a dead-letter output with the reason', async () => {
    const body = batch({ length: -1 }, 'chat_message');
    const id = `limits_chat_message_${counter}`;
    const answer = (await (await post(body, 'dead-letter-client')).json()) as { rejected: { error: string }[] };
    const reason = answer.rejected[0]?.error ?? '';
    expect(reason.length).toBeGreaterThan(0);
    // Let the collector write its dead-letter segment.
    let found = false;
    for (let attempt = 0; attempt < 20 && !found; attempt += 1) {
      for (const file of await allFiles(dataDir)) {
        const text = await readFile(file, 'utf8').catch(() => '');
        if (text.includes(id) && text.includes(reason)) found = true;
      }
      if (!found) await new Promise((done) => setTimeout(done, 250));
    }
    expect(found).toBe(true);
  });

  it('keeps answering 200 (spooled) while the stream is down, then 503 with Retry-After when the spool is full', async () => {
    await new Promise<void>((done) => kinesis.close(() => done()));
    kinesis.closeAllConnections();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < MAX_POSTS_UNTIL_FULL; i += 1) {
      const response = await post(batch({ page: 'p'.repeat(600) }), `client-${i}`);
      statuses.push(response.status);
      if (response.status === 503) {
        retryAfter = response.headers.get('retry-after');
        break;
      }
    }
    expect(statuses.at(-1)).toBe(503);
    expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  }, 30_000);
});
