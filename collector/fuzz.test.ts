/**
 * Property-based fuzzing of the collector (fast-check, fixed seed): random
 * and hostile bodies through `app.request()`, and a sample over a real
 * socket. Whatever comes in, the answer is a status docs/spec.md §2 (or the
 * README, for 403/404) documents, a refusal carries an `error` message, the
 * process keeps serving, memory stays bounded, and the good events of a
 * mixed batch are kept with the bad ones' indexes reported.
 */
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../contract/limits.ts';
import { createCollectorApp } from './app.ts';
import { createLogger } from './log.ts';
import { startCollector } from './node.ts';
import { parseWriteKeys } from './write-keys.ts';
import { MemoryDeadLetters, MemorySink, realisticEvents, TEST_KEY, TEST_RETAILER } from './testing/fixtures.ts';
import { rawRequest } from './testing/raw-http.ts';

const SEED = 16_2026;
const NUM_RUNS = 150;
/** Statuses an answer to POST /v1/events may have (docs/spec.md §2; 403 for a disallowed origin, README). */
const DOCUMENTED = new Set([200, 400, 401, 403, 413, 415, 429, 503]);
/** Heap growth allowed over all the runs (the bodies are garbage once answered). */
const MAX_HEAP_GROWTH_BYTES = 64 * 1024 * 1024;

const NO_LIMITS = { keyEventsPerSecond: 0, keyBurstEvents: 0, addressRequestsPerSecond: 0, addressBurstRequests: 0 };

function setup() {
  const sink = new MemorySink();
  const app = createCollectorApp({ writeKeys: parseWriteKeys(`${TEST_KEY}@${TEST_RETAILER}`), sink, deadLetters: new MemoryDeadLetters(), rateLimits: NO_LIMITS, log: pino({ level: 'silent' }) });
  return { app, sink };
}

const validEvent = (i: number) => realisticEvents(1, Date.now(), `fz${i}`)[0]!;

/** Hostile JSON texts the issue lists, as raw text (JSON.stringify could not spell some of them). */
const hostileText = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 20_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)), // deeply nested
  fc.integer({ min: 1, max: 20_000 }).map((d) => '{"sent_at":1,"events":[' + '{"a":'.repeat(d) + '1' + '}'.repeat(d) + ']}'),
  fc.constantFrom(
    '{"sent_at":1,"events":[{"__proto__":{"polluted":true}}]}',
    '{"__proto__":{"sent_at":1},"events":[]}',
    '{"sent_at":1,"events":[{"constructor":{"prototype":{"polluted":true}}}]}',
    '{"sent_at":"1","events":[{"ts":"1700000000000"}]}',
    '{"sent_at":NaN,"events":[]}',
    '{"sent_at":Infinity,"events":[]}',
    '{"sent_at":1e999,"events":[{}]}',
    '{"sent_at":1,"sent_at":2,"events":[{}],"events":[]}',
    '{"sent_at":1,"events":[{"event_id":"\\ud800abcdefgh"}]}',
    '{"sent_at":1,"events":[{"event_id":"a\\u0000b"}]}',
    '',
    'null',
    '[]',
    '{',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }), // odd unicode, lone surrogates
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => `{"sent_at":1,"events":[{"${s}":"${s}"}]}`),
);

/** Bodies: text, huge strings and keys, truncated, concatenated and bomb gzip. */
const body = fc.oneof(
  { weight: 5, arbitrary: hostileText.map((t) => ({ data: Buffer.from(t), gzip: false })) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY_BYTES - 100, max: MAX_BODY_BYTES + 100 }).map((n) => ({ data: Buffer.from(`{"sent_at":1,"events":[{"k":"${'x'.repeat(n)}"}]}`), gzip: false })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300_000 }).map((n) => ({ data: Buffer.from(`{"sent_at":1,"events":[{"${'k'.repeat(n)}":1}]}`), gzip: false })) },
  { weight: 1, arbitrary: hostileText.chain((t) => fc.integer({ min: 0, max: 30 }).map((cut) => ({ data: gzipSync(t).subarray(0, cut), gzip: true }))) },
  { weight: 1, arbitrary: hostileText.map((t) => ({ data: Buffer.concat([gzipSync(t), gzipSync(t)]), gzip: true })) },
  { weight: 1, arbitrary: fc.constant({ data: gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), gzip: true }) }, // bomb: 64 MiB of spaces in ~64 KB
);

const contentType = fc.constantFrom('application/json', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json; charset=utf-16', 'TEXT/PLAIN');

describe('collector fuzzing through app.request()', () => {
  it('answers every hostile body with a documented status and a message, and keeps serving', async () => {
    const { app } = setup();
    const heapBefore = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(body, contentType, fc.boolean(), async (b, type, withKey) => {
        const headers: Record<string, string> = { 'content-type': type };
        if (withKey) headers['x-write-key'] = TEST_KEY;
        if (b.gzip) headers['content-encoding'] = 'gzip';
        const res = await app.request('/v1/events', { method: 'POST', headers, body: b.data });
        expect(DOCUMENTED.has(res.status), `status ${res.status}`).toBe(true);
        const json = (await res.json()) as { error?: unknown; accepted?: unknown };
        if (res.status === 200) expect(typeof json.accepted).toBe('number');
        else expect(typeof json.error === 'string' && json.error.length > 0).toBe(true);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await app.request('/healthz')).status).toBe(200);
    globalThis.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
  }, 120_000);

  it('keeps the good events of a mixed batch and reports the bad ones by index', async () => {
    const { app, sink } = setup();
    const junk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ event_id: fc.string(), type: fc.string(), props: fc.object() }), fc.constant({ __proto__: { x: 1 } }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constant(null), junk), { minLength: 1, maxLength: 40 }), async (slots) => {
        sink.events.length = 0;
        const events = slots.map((s, i) => (s === null ? validEvent(i) : s));
        const res = await app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', 'x-write-key': TEST_KEY }, body: JSON.stringify({ sent_at: Date.now(), events }) });
        expect(res.status).toBe(200);
        const answer = (await res.json()) as { accepted: number; rejected: Array<{ index: number; error: string }> };
        const good = slots.map((s, i) => (s === null ? i : -1)).filter((i) => i >= 0);
        expect(answer.accepted).toBe(good.length);
        expect(answer.rejected.map((r) => r.index)).toEqual(slots.map((s, i) => (s === null ? -1 : i)).filter((i) => i >= 0));
        for (const r of answer.rejected) expect(r.error.length).toBeGreaterThan(0);
        expect(sink.events.map((e) => e.event_id)).toEqual(good.map((i) => (events[i] as { event_id: string }).event_id));
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('answers wrong methods and paths with a status and a body, never a crash', async () => {
    const { app } = setup();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'POST', 'OPTIONS', 'HEAD'), fc.constantFrom('/v1/events', '/v1/event', '/v1/events/', '/', '/v1/events/../metrics', '/%2e%2e/', '/v1/events?key=' + TEST_KEY), async (method, path) => {
        const res = await app.request(path, { method });
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe('collector fuzzing over a real socket', () => {
  it('answers hostile bodies over HTTP with documented statuses, and still serves afterwards', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'livelens-fuzz-'));
    const c = await startCollector({ dataDir, port: 0, writeKeys: `${TEST_KEY}@${TEST_RETAILER}`, sink: new MemorySink(), rateLimits: NO_LIMITS, log: createLogger('silent') });
    try {
      await fc.assert(
        fc.asyncProperty(body, contentType, async (b, type) => {
          const headers: Record<string, string> = { 'content-type': type, 'x-write-key': TEST_KEY, 'content-length': String(b.data.length) };
          if (b.gzip) headers['content-encoding'] = 'gzip';
          const r = await rawRequest(c.port, { headers, body: [b.data] });
          expect(DOCUMENTED.has(r.status), `status ${r.status} ${r.error ?? ''}`).toBe(true);
          if (r.status !== 200) expect((JSON.parse(r.body) as { error: string }).error.length).toBeGreaterThan(0);
        }),
        { seed: SEED, numRuns: 40 },
      );
      expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    } finally {
      await c.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
