import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { MAX_BODY_BYTES, MAX_EVENT_AGE_MS, MAX_EVENT_FUTURE_MS, MAX_EVENTS_PER_BATCH } from '../contract/limits.ts';
import { createCollectorApp, DEFAULT_RATE_LIMITS, type CollectorDeps } from './app.ts';
import { Counters } from './counters.ts';
import { SinkUnavailableError, type RateLimits } from './types.ts';
import { parseWriteKeys } from './write-keys.ts';
import { MAX_DEAD_LETTER_RAW_CHARS } from './limits.ts';
import { isWellFormed } from '../contract/unicode.ts';
import { batchBody, DESKTOP_UA, IPHONE_UA, MemoryDeadLetters, MemorySink, realisticEvents, TEST_KEY, TEST_RETAILER } from './testing/fixtures.ts';

const NOW = 1_750_000_000_000;
const NO_LIMITS: RateLimits = { keyEventsPerSecond: 0, keyBurstEvents: 0, addressRequestsPerSecond: 0, addressBurstRequests: 0 };

function setup(over: Partial<CollectorDeps> = {}) {
  const sink = new MemorySink();
  const deadLetters = new MemoryDeadLetters();
  const counters = new Counters();
  const app = createCollectorApp({
    writeKeys: parseWriteKeys(`${TEST_KEY}@${TEST_RETAILER}=https://shop.acme.com,open_key_0002@other`),
    sink,
    deadLetters,
    counters,
    now: () => NOW,
    rateLimits: NO_LIMITS,
    log: pino({ level: 'silent' }),
    ...over,
  });
  return { app, sink, deadLetters, counters };
}

function post(body: BodyInit, headers: Record<string, string> = {}, path = '/v1/events'): Request {
  return new Request(`http://collector${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-write-key': TEST_KEY, 'user-agent': DESKTOP_UA, ...headers },
    body,
  });
}

const one = (over: Record<string, unknown> = {}) => [{ ...realisticEvents(1, NOW)[0], ...over }];

describe('POST /v1/events', () => {
  it('200: stores enriched events and answers the count', async () => {
    const { app, sink, counters } = setup();
    const events = realisticEvents(3, NOW - 60_000);
    const res = await app.request(post(batchBody(events, NOW - 10_000), { 'cloudfront-viewer-country': 'de' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 3, rejected: [] });
    // event_time = ts + received_at - sent_at: the viewer's clock was 10 s behind.
    expect(sink.events).toEqual(events.map((e) => ({
      ...JSON.parse(JSON.stringify(e)),
      retailer_id: TEST_RETAILER, received_at: NOW, event_time: e.ts + 10_000, region: 'DE', device: 'desktop',
    })));
    expect(counters.accepted).toBe(3);
  });

  it('200 with partial acceptance: {index, error} per rejected event, each dead-lettered', async () => {
    const { app, sink, deadLetters } = setup();
    const events: unknown[] = realisticEvents(4, NOW);
    events[1] = { ...(events[1] as object), type: 'teleport' };
    events[3] = 'not an event';
    const res = await app.request(post(batchBody(events, NOW)));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: Array<{ index: number; error: string }> };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 3]);
    expect(body.rejected[0]!.error).toContain('unknown event type "teleport"');
    expect(sink.events.map((e) => e.event_id)).toEqual(['evt_00000000', 'evt_00000002']);
    expect(deadLetters.letters).toEqual([
      { retailer_id: TEST_RETAILER, received_at: NOW, index: 1, error: body.rejected[0]!.error, raw: JSON.stringify(events[1]) },
      { retailer_id: TEST_RETAILER, received_at: NOW, index: 3, error: body.rejected[1]!.error, raw: '"not an event"' },
    ]);
  });

  it('rejects an event with a lone UTF-16 surrogate (the lake cannot hold it) and dead-letters it in a form the lake keeps', async () => {
    const { app, sink, deadLetters } = setup();
    const events: unknown[] = realisticEvents(50, NOW);
    events[7] = { ...(events[7] as object), viewer_id: '\ud800' };
    events[9] = { ...(events[9] as object), type: '\ud800' };
    const res = await app.request(post(batchBody(events, NOW)));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: Array<{ index: number; error: string }> };
    expect(body.accepted).toBe(48);
    expect(body.rejected.map((r) => r.index)).toEqual([7, 9]);
    expect(body.rejected[0]!.error).toMatch(/^\/viewer_id: string is not valid Unicode/);
    expect(sink.events).toHaveLength(48);
    expect(deadLetters.letters.map((l) => l.index)).toEqual([7, 9]);
    for (const l of deadLetters.letters) {
      expect(isWellFormed(l.error) && isWellFormed(l.raw)).toBe(true);
      // Serialised, a letter carries no \ud8xx escape the lake would refuse.
      expect(JSON.stringify(l)).not.toMatch(/(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F]/);
    }
  });

  it('cuts a dead letter\'s raw at MAX_DEAD_LETTER_RAW_CHARS on a code-point boundary', async () => {
    const { app, deadLetters } = setup();
    // The page text puts a surrogate pair across the cut; the event is refused for its type.
    const prefix = JSON.stringify({ ...one()[0], type: 'teleport', props: { page: '' } }).indexOf('"page":"') + '"page":"'.length;
    const page = 'x'.repeat(MAX_DEAD_LETTER_RAW_CHARS - prefix - 1) + '😀'.repeat(10);
    const res = await app.request(post(batchBody(one({ type: 'teleport', props: { page } }), NOW)));
    expect(res.status).toBe(200);
    const raw = deadLetters.letters[0]!.raw;
    expect(raw.length).toBe(MAX_DEAD_LETTER_RAW_CHARS - 1);
    expect(isWellFormed(raw)).toBe(true);
    expect(JSON.stringify({ ...one({ type: 'teleport', props: { page } })[0] }).startsWith(raw)).toBe(true);
  });

  it.each([
    ['72 h old', -MAX_EVENT_AGE_MS - 1, 'more than 72 hours old'],
    ['5 min ahead', MAX_EVENT_FUTURE_MS + 1, 'more than 5 minutes in the future'],
  ])('rejects an event_time %s and keeps the bounds inclusive', async (_name, offset, reason) => {
    const { app, sink } = setup();
    const inside = offset > 0 ? MAX_EVENT_FUTURE_MS : -MAX_EVENT_AGE_MS;
    const res = await app.request(post(batchBody([...one({ ts: NOW + offset }), ...one({ ts: NOW + inside, event_id: 'evt_inside_1' })], NOW)));
    const body = (await res.json()) as { rejected: Array<{ index: number; error: string }> };
    expect(body.rejected).toEqual([{ index: 0, error: expect.stringContaining(reason) }]);
    expect(sink.events.map((e) => e.event_time)).toEqual([NOW + inside]);
  });

  it('corrects clock skew before the bounds: an old-looking ts from a slow clock is kept', async () => {
    const { app, sink } = setup();
    // The viewer's clock is 100 h behind: ts looks 100 h old, but sent_at shows the skew.
    const skew = 100 * 3_600_000;
    const res = await app.request(post(batchBody(one({ ts: NOW - skew - 5_000 }), NOW - skew)));
    expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
    expect(sink.events[0]!.event_time).toBe(NOW - 5_000);
  });

  it.each([
    [{ event_id: 'short' }, '/event_id'],
    [{ ts: 1.5 }, '/ts'],
    [{ viewer_id: 'v'.repeat(65) }, '/viewer_id'],
    [{ session_id: undefined }, '/session_id'],
    [{ type: 'heartbeat', props: { watch_ms: 60_001 } }, '/props/watch_ms'],
    [{ experiments: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`e${i}`, 'a'])) }, '/experiments'],
  ])('rejects %j naming %s', async (over, where) => {
    const { app } = setup();
    const res = await app.request(post(batchBody(one(over), NOW)));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: Array<{ error: string }> };
    expect(body.accepted).toBe(0);
    expect(body.rejected[0]!.error).toContain(where);
  });

  it('stores no IP address, user agent or unknown field', async () => {
    const { app, sink } = setup();
    await app.request(post(batchBody(one({ ip: '198.51.100.7', extra: 1 }), NOW), { 'x-forwarded-for': '198.51.100.7', 'user-agent': IPHONE_UA }));
    const text = JSON.stringify(sink.events);
    expect(text).not.toContain('198.51.100.7');
    expect(text).not.toContain('iPhone');
    expect(Object.keys(sink.events[0]!)).not.toContain('extra');
    expect(sink.events[0]!.device).toBe('mobile');
  });

  it('reads the region from the configured trusted header only', async () => {
    const { app, sink } = setup({ regionHeader: 'X-Country' });
    await app.request(post(batchBody(one(), NOW), { 'x-country': 'fr', 'cloudfront-viewer-country': 'US' }));
    await app.request(post(batchBody(one(), NOW), { 'x-country': 'not-a-country' }));
    await app.request(post(batchBody(one(), NOW)));
    expect(sink.events.map((e) => e.region)).toEqual(['FR', 'unknown', 'unknown']);
  });

  it('accepts text/plain (sendBeacon) with the key in the query string, and gzip', async () => {
    const { app, sink } = setup();
    const beacon = new Request(`http://collector/v1/events?key=open_key_0002`, {
      method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: batchBody(one(), NOW),
    });
    expect((await app.request(beacon)).status).toBe(200);
    const gz = await app.request(post(gzipSync(batchBody(one(), NOW)), { 'content-encoding': 'gzip' }));
    expect(gz.status).toBe(200);
    expect(sink.events.map((e) => e.retailer_id)).toEqual(['other', TEST_RETAILER]);
  });

  it.each([
    ['{"sent_at": 1, "events": [', 'body is not valid JSON'],
    ['[]', 'body must be a JSON object'],
    ['{"events": []}', 'sent_at'],
    ['{"sent_at": "yesterday", "events": []}', '/sent_at'],
    ['{"sent_at": 1}', 'events'],
    ['{"sent_at": 1, "events": []}', 'events is empty'],
  ])('400 for %s naming what is wrong', async (body, message) => {
    const { app, sink } = setup();
    const res = await app.request(post(body));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
    expect(sink.events).toEqual([]);
  });

  it('400 for corrupt gzip', async () => {
    const { app } = setup();
    const res = await app.request(post('not gzip at all', { 'content-encoding': 'gzip' }));
    expect(res.status).toBe(400);
  });

  it('401 for a missing or unknown key, storing nothing', async () => {
    const { app, sink, deadLetters } = setup();
    const missing = await app.request(post(batchBody(one(), NOW), { 'x-write-key': '' }));
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: string }).error).toContain('x-write-key');
    const unknown = await app.request(post(batchBody([...one(), 'bad'], NOW), { 'x-write-key': 'nobody_knows_me' }));
    expect(unknown.status).toBe(401);
    expect(sink.events).toEqual([]);
    expect(deadLetters.letters).toEqual([]);
  });

  it('413 for a body over MAX_BODY_BYTES, before reading it when Content-Length says so', async () => {
    const { app } = setup();
    const big = JSON.stringify({ sent_at: NOW, events: one(), pad: 'x'.repeat(MAX_BODY_BYTES) });
    const res = await app.request(post(big));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toContain(`${MAX_BODY_BYTES} bytes`);
  });

  it('413 for a chunked body over the limit (no Content-Length)', async () => {
    const { app } = setup();
    const chunk = new Uint8Array(64 * 1024).fill(32);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        sent += chunk.length;
        if (sent > 4 * MAX_BODY_BYTES) ctrl.close();
        else ctrl.enqueue(chunk);
      },
    });
    const res = await app.request(new Request('http://collector/v1/events', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-write-key': TEST_KEY }, body: stream, duplex: 'half',
    } as RequestInit));
    expect(res.status).toBe(413);
    // Reading stopped just past the limit instead of consuming the whole upload.
    expect(sent).toBeLessThan(MAX_BODY_BYTES + 3 * chunk.length);
  });

  it('413 for a gzip bomb, stopped while inflating', async () => {
    const { app } = setup();
    const bomb = gzipSync(Buffer.alloc(20 * MAX_BODY_BYTES, 32)); // 20 MiB of spaces, ~20 KB compressed
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
    const before = process.memoryUsage().rss;
    const res = await app.request(post(bomb, { 'content-encoding': 'gzip' }));
    expect(res.status).toBe(413);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * MAX_BODY_BYTES);
  });

  it(`413 for more than ${MAX_EVENTS_PER_BATCH} events`, async () => {
    const { app } = setup();
    const res = await app.request(post(batchBody(realisticEvents(MAX_EVENTS_PER_BATCH + 1, NOW), NOW)));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toContain(`at most ${MAX_EVENTS_PER_BATCH}`);
    const ok = await app.request(post(batchBody(realisticEvents(MAX_EVENTS_PER_BATCH, NOW), NOW)));
    expect(ok.status).toBe(200);
  });

  it.each([
    [{ 'content-type': 'application/xml' }, 'unsupported content type "application/xml"'],
    [{ 'content-type': '' }, 'unsupported content type'],
    [{ 'content-encoding': 'br' }, 'unsupported content encoding "br"'],
  ])('415 for %j', async (headers, message) => {
    const { app } = setup();
    const res = await app.request(post(batchBody(one(), NOW), headers));
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toContain(message);
  });

  it('429 with Retry-After per client address', async () => {
    const { app } = setup({
      rateLimits: { ...NO_LIMITS, addressRequestsPerSecond: 1, addressBurstRequests: 2 },
      clientAddress: (c) => c.req.header('x-test-address'),
    });
    const from = (a: string) => app.request(post(batchBody(one(), NOW), { 'x-test-address': a }));
    expect((await from('a')).status).toBe(200);
    expect((await from('a')).status).toBe(200);
    const limited = await from('a');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await from('b')).status).toBe(200);
  });

  it('429 with Retry-After per write key, counted in events', async () => {
    let now = NOW;
    const { app } = setup({ now: () => now, rateLimits: { ...NO_LIMITS, keyEventsPerSecond: 100, keyBurstEvents: 500 } });
    const send = (n: number) => app.request(post(batchBody(realisticEvents(n, now), now)));
    expect((await send(500)).status).toBe(200);
    const limited = await send(300);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    now += 3_000;
    expect((await send(300)).status).toBe(200);
  });

  it('503 with Retry-After when the sink is unavailable; rejected events still dead-lettered', async () => {
    const { app, sink, deadLetters, counters } = setup();
    sink.fail = new SinkUnavailableError('stream down and spool full', 7);
    const res = await app.request(post(batchBody([...one(), 'bad'], NOW)));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(counters.accepted).toBe(0);
    expect(deadLetters.letters).toHaveLength(1);
  });

  it('500 (not a crash) when the sink fails unexpectedly', async () => {
    const { app, sink } = setup();
    sink.fail = new Error('disk on fire');
    const res = await app.request(post(batchBody(one(), NOW)));
    expect(res.status).toBe(500);
  });

  it('503 while shutting down', async () => {
    const lifecycle = { accepting: false };
    const { app } = setup({ lifecycle });
    const res = await app.request(post(batchBody(one(), NOW)));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });
});

describe('CORS', () => {
  it('answers the preflight echoing the origin', async () => {
    const { app } = setup();
    const res = await app.request(new Request('http://collector/v1/events', { method: 'OPTIONS', headers: { origin: 'https://anything.example' } }));
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://anything.example');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, x-write-key, content-encoding');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('refuses a preflight whose ?key= does not allow the origin', async () => {
    const { app } = setup();
    const res = await app.request(new Request(`http://collector/v1/events?key=${TEST_KEY}`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } }));
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });

  it("holds a browser's POST to the key's origins", async () => {
    const { app, sink } = setup();
    const allowed = await app.request(post(batchBody(one(), NOW), { origin: 'https://shop.acme.com' }));
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.acme.com');
    const refused = await app.request(post(batchBody(one(), NOW), { origin: 'https://evil.example' }));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('origin https://evil.example is not allowed for this write key');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    // A key without origins allows any.
    const open = await app.request(post(batchBody(one(), NOW), { origin: 'https://evil.example', 'x-write-key': 'open_key_0002' }));
    expect(open.status).toBe(200);
    expect(sink.events).toHaveLength(2);
  });
});

describe('dead letters that cannot be written', () => {
  it('are counted in /metrics as dead_letters_lost (and logged), never silently gone', async () => {
    const { app, deadLetters } = setup();
    deadLetters.write = async () => Promise.reject(new Error('dead-letters is full'));
    const res = await app.request(post(batchBody([...one(), 'bad', 'worse'], NOW)));
    expect(res.status).toBe(200);
    const metrics = (await (await app.request('/metrics')).json()) as Record<string, unknown>;
    expect(metrics).toMatchObject({ accepted: 1, rejected: 2, dead_lettered: 0, dead_letters_lost: 2 });
  });
});

describe('health and metrics', () => {
  it('serves /healthz, /readyz and /metrics counters', async () => {
    const { app, sink } = setup();
    await app.request(post(batchBody([...one(), 'bad'], NOW)));
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(200);
    const metrics = (await (await app.request('/metrics')).json()) as Record<string, unknown>;
    expect(metrics).toMatchObject({ accepted: 1, rejected: 1, dead_lettered: 1, responses: { 200: 1 } });
    sink.fail = new Error('down');
    expect((await app.request('/readyz')).status).toBe(503);
  });

  it('keeps the default rate limits above one full batch', () => {
    expect(DEFAULT_RATE_LIMITS.keyBurstEvents).toBeGreaterThanOrEqual(MAX_EVENTS_PER_BATCH);
  });
});
