/**
 * docs/spec.md §2 (wire contract of POST /v1/events), black box: one real `livelens serve`
 * on a free port and a temp data dir; stored events checked after `livelens ingest --once`.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, readLakeEvents, removeDir, runCli, startServe, type ServeHandle } from './cli-harness.ts';

const KEY_R1 = 'specKeyR1-aaaa';
const KEY_DEFAULT = 'specKeyDefault-bbbb';
const ALLOWED_ORIGIN = 'http://a.example';
const HOUR_MS = 3_600_000;
const MIB_BYTES = 1024 * 1024;

let dataDir = '';
let serve: ServeHandle;
let eventsUrl = '';
let counter = 0;

/** A unique valid event id (8–64 of [A-Za-z0-9_-]). */
function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}_${counter}`;
}

type Json = Record<string, unknown>;

/** A valid event of `type` with `props`, timestamped now on the viewer's clock. */
function event(type: string, props: Json = {}, overrides: Json = {}): Json {
  return {
    event_id: nextId('ev'),
    type,
    ts: Date.now(),
    viewer_id: 'viewer-1',
    session_id: 'session-1',
    show_id: 'show-1',
    creator_id: 'creator-1',
    props,
    ...overrides,
  };
}

function post(body: string | Uint8Array, headers: Record<string, string>, query = ''): Promise<Response> {
  // A fresh Uint8Array view: fetch's BodyInit wants an ArrayBuffer-backed view, not a Node Buffer type.
  const payload = typeof body === 'string' ? body : new Uint8Array(body);
  return fetch(`${eventsUrl}${query}`, { method: 'POST', body: payload, headers });
}

function postJson(events: Json[], headers: Record<string, string> = {}, sentAt = Date.now()): Promise<Response> {
  return post(JSON.stringify({ sent_at: sentAt, events }), {
    'content-type': 'application/json',
    'x-write-key': KEY_R1,
    ...headers,
  });
}

interface BatchAnswer {
  accepted: number;
  rejected: { index: number; error: string }[];
}

async function answer(response: Response): Promise<BatchAnswer> {
  expect(response.status).toBe(200);
  return (await response.json()) as BatchAnswer;
}

// Ids sent during the tests, checked in the lake at the end.
const storedIds: string[] = [];
const notStoredIds: string[] = [];
const skewed = { id: '', ts: 0, sentAt: 0 };
const regionIds = { de: '', none: '' };
let defaultRetailerId = '';

beforeAll(async () => {
  dataDir = await makeDataDir();
  serve = await startServe([
    '--data-dir', dataDir,
    '--port', '0',
    '--write-keys', `${KEY_R1}@r1=${ALLOWED_ORIGIN},${KEY_DEFAULT}`,
  ]);
  eventsUrl = `${serve.url}/v1/events`;
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await removeDir(dataDir);
});

describe('POST /v1/events: bodies and keys', () => {
  it('accepts application/json with the key in x-write-key', async () => {
    const ev = event('session_start', { autoplay: true, page: '/live' });
    expect(await answer(await postJson([ev]))).toEqual({ accepted: 1, rejected: [] });
    storedIds.push(String(ev['event_id']));
  });

  it('accepts text/plain (sendBeacon) with the key in ?key=', async () => {
    const ev = event('session_end', {});
    const body = JSON.stringify({ sent_at: Date.now(), events: [ev] });
    const response = await post(body, { 'content-type': 'text/plain;charset=UTF-8' }, `?key=${KEY_R1}`);
    expect(await answer(response)).toEqual({ accepted: 1, rejected: [] });
    storedIds.push(String(ev['event_id']));
  });

  it('accepts Content-Encoding: gzip', async () => {
    const ev = event('buffer_start', {});
    const body = gzipSync(JSON.stringify({ sent_at: Date.now(), events: [ev] }));
    const response = await post(body, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-write-key': KEY_R1 });
    expect(await answer(response)).toEqual({ accepted: 1, rejected: [] });
    storedIds.push(String(ev['event_id']));
  });

  it('answers 401 to an unknown key and stores nothing', async () => {
    const ev = event('session_start', {});
    const response = await postJson([ev], { 'x-write-key': 'no-such-key-zzzz' });
    expect(response.status).toBe(401);
    notStoredIds.push(String(ev['event_id']));
    const viaQuery = event('session_start', {});
    const body = JSON.stringify({ sent_at: Date.now(), events: [viaQuery] });
    expect((await post(body, { 'content-type': 'text/plain' }, '?key=no-such-key-zzzz')).status).toBe(401);
    notStoredIds.push(String(viaQuery['event_id']));
  });

  it('answers 401 when no key is given', async () => {
    const ev = event('session_start', {});
    const body = JSON.stringify({ sent_at: Date.now(), events: [ev] });
    expect((await post(body, { 'content-type': 'application/json' })).status).toBe(401);
    notStoredIds.push(String(ev['event_id']));
  });

  it('keeps the good events of a batch and names the index of each rejected one', async () => {
    const good1 = event('chat_message', { length: 12 });
    const bad = event('chat_message', { length: -1 });
    const good2 = event('chat_message', { length: 0 });
    const result = await answer(await postJson([good1, bad, good2]));
    expect(result.accepted).toBe(2);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.index).toBe(1);
    expect(typeof result.rejected[0]?.error).toBe('string');
    expect(result.rejected[0]?.error.length).toBeGreaterThan(0);
    storedIds.push(String(good1['event_id']), String(good2['event_id']));
    notStoredIds.push(String(bad['event_id']));
  });

  it('tags events of a key without @retailer with the retailer "default"', async () => {
    const ev = event('session_start', {});
    expect(await answer(await postJson([ev], { 'x-write-key': KEY_DEFAULT }))).toEqual({ accepted: 1, rejected: [] });
    defaultRetailerId = String(ev['event_id']);
  });

  it('takes the region from CloudFront-Viewer-Country, else "unknown"', async () => {
    const de = event('session_start', {});
    const none = event('session_start', {});
    await answer(await postJson([de], { 'CloudFront-Viewer-Country': 'DE' }));
    await answer(await postJson([none]));
    regionIds.de = String(de['event_id']);
    regionIds.none = String(none['event_id']);
  });
});

describe('POST /v1/events: CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const response = await fetch(`${eventsUrl}?key=${KEY_R1}`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-write-key',
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect((response.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain('x-write-key');
  });

  it('does not allow a browser origin outside the key\'s list', async () => {
    const preflight = await fetch(`${eventsUrl}?key=${KEY_R1}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).not.toBe('http://evil.example');
    expect(preflight.headers.get('access-control-allow-origin')).not.toBe('*');
    const ev = event('session_start', {});
    const response = await postJson([ev], { origin: 'http://evil.example' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    notStoredIds.push(String(ev['event_id']));
  });

  it('lets the allowed origin POST and read the answer', async () => {
    const ev = event('session_start', {});
    const response = await postJson([ev], { origin: ALLOWED_ORIGIN });
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(await answer(response)).toEqual({ accepted: 1, rejected: [] });
    storedIds.push(String(ev['event_id']));
  });
});

describe('POST /v1/events: errors', () => {
  it('answers 400 naming the problem for an unparseable body', async () => {
    const response = await post('{"sent_at": 1, "events": [', { 'content-type': 'application/json', 'x-write-key': KEY_R1 });
    expect(response.status).toBe(400);
    expect((await response.text()).length).toBeGreaterThan(0);
  });

  it('answers 400 naming sent_at when it is missing', async () => {
    const response = await post(JSON.stringify({ events: [event('session_start')] }), {
      'content-type': 'application/json',
      'x-write-key': KEY_R1,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('sent_at');
  });

  it('answers 400 naming events when it is not an array or is empty', async () => {
    for (const events of [undefined, 'x', []]) {
      const response = await post(JSON.stringify({ sent_at: Date.now(), events }), {
        'content-type': 'application/json',
        'x-write-key': KEY_R1,
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('events');
    }
  });

  it('answers 413 to more than 500 events and accepts exactly 500', async () => {
    const many = Array.from({ length: 501 }, () => event('chat_message', { length: 1 }));
    expect((await postJson(many)).status).toBe(413);
    const limit = Array.from({ length: 500 }, () => event('chat_message', { length: 1 }));
    expect(await answer(await postJson(limit))).toEqual({ accepted: 500, rejected: [] });
  });

  it('answers 413 to a body over 1 MiB, also when it is over 1 MiB only after gunzip', async () => {
    const padding = 'x'.repeat(MIB_BYTES + 10);
    const plain = JSON.stringify({ sent_at: Date.now(), pad: padding, events: [event('session_start')] });
    expect((await post(plain, { 'content-type': 'application/json', 'x-write-key': KEY_R1 })).status).toBe(413);
    const zipped = gzipSync(plain);
    expect(zipped.length).toBeLessThan(MIB_BYTES);
    const response = await post(zipped, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-write-key': KEY_R1 });
    expect(response.status).toBe(413);
  });

  it('answers 415 to other content types and encodings', async () => {
    const body = JSON.stringify({ sent_at: Date.now(), events: [event('session_start')] });
    expect((await post(body, { 'content-type': 'application/xml', 'x-write-key': KEY_R1 })).status).toBe(415);
    expect((await post(body, { 'content-type': 'application/x-www-form-urlencoded', 'x-write-key': KEY_R1 })).status).toBe(415);
    const encoded = { 'content-type': 'application/json', 'x-write-key': KEY_R1 };
    expect((await post(body, { ...encoded, 'content-encoding': 'br' })).status).toBe(415);
    expect((await post(body, { ...encoded, 'content-encoding': 'deflate' })).status).toBe(415);
  });

  it('survives garbage and keeps serving', async () => {
    for (const body of ['', 'null', '[]', '{"sent_at":"x","events":[1]}', '\u0000\u0001', '{"sent_at":1,"events":[null]}']) {
      const response = await post(body, { 'content-type': 'application/json', 'x-write-key': KEY_R1 });
      expect(response.status).toBeLessThan(500);
    }
    expect(await answer(await postJson([event('session_start')]))).toEqual({ accepted: 1, rejected: [] });
  });
});

describe('POST /v1/events: time bounds and clock skew', () => {
  it('rejects an event more than 72 hours old with that reason', async () => {
    const now = Date.now();
    const old = event('session_start', {}, { ts: now - 72 * HOUR_MS - 60_000 });
    const result = await answer(await postJson([old], {}, now));
    expect(result.accepted).toBe(0);
    expect(result.rejected[0]?.index).toBe(0);
    expect(result.rejected[0]?.error).toMatch(/72|old|past/i);
    notStoredIds.push(String(old['event_id']));
  });

  it('rejects an event more than 5 minutes in the future with that reason', async () => {
    const now = Date.now();
    const future = event('session_start', {}, { ts: now + 6 * 60_000 });
    const result = await answer(await postJson([future], {}, now));
    expect(result.accepted).toBe(0);
    expect(result.rejected[0]?.error).toMatch(/future|5 ?min/i);
    notStoredIds.push(String(future['event_id']));
  });

  it('judges the bounds on event_time, so a skewed device clock is corrected, not rejected', async () => {
    // The device clock runs 100 hours behind: ts alone would be "too old".
    const sentAt = Date.now() - 100 * HOUR_MS;
    const ts = sentAt - 5_000;
    const ev = event('session_start', {}, { ts });
    expect(await answer(await postJson([ev], {}, sentAt))).toEqual({ accepted: 1, rejected: [] });
    Object.assign(skewed, { id: String(ev['event_id']), ts, sentAt });
  });
});

/** One valid and some invalid props per type (docs/spec.md §2, "Event types and props"). */
const PROPS_CASES: { type: string; valid: Json[]; invalid: Json[] }[] = [
  { type: 'session_start', valid: [{}, { autoplay: false, page: '/p' }], invalid: [{ autoplay: 'yes' }, { page: 5 }] },
  { type: 'startup', valid: [{ startup_ms: 0 }, { startup_ms: 850 }], invalid: [{}, { startup_ms: -1 }, { startup_ms: 'fast' }] },
  {
    type: 'heartbeat',
    valid: [{ watch_ms: 0 }, { watch_ms: 60_000, latency_ms: 2500, bitrate_kbps: 3000, quality: '720p' }],
    invalid: [{}, { watch_ms: -1 }, { watch_ms: 60_001 }, { watch_ms: 1000, quality: 7 }],
  },
  { type: 'buffer_start', valid: [{}], invalid: [] },
  { type: 'buffer_end', valid: [{ buffer_ms: 0 }, { buffer_ms: 1200 }], invalid: [{}, { buffer_ms: -5 }] },
  {
    type: 'quality_change',
    valid: [{ from_kbps: 3000, to_kbps: 1500 }, { from_kbps: 1500, to_kbps: 3000, quality: '1080p' }],
    invalid: [{ from_kbps: 3000 }, { to_kbps: 3000 }],
  },
  {
    type: 'error',
    valid: [{ code: 'E1', fatal: true }, { code: 'E2', fatal: false, message: 'm'.repeat(256) }],
    invalid: [{ code: 'E1' }, { fatal: true }, { code: 'E1', fatal: 'yes' }, { code: 'E1', fatal: true, message: 'm'.repeat(257) }],
  },
  { type: 'chat_message', valid: [{ length: 0 }, { length: 40 }], invalid: [{}, { length: -1 }] },
  {
    type: 'product_impression',
    valid: [{ product_id: 'p1', offer_id: 'o1' }],
    invalid: [{ product_id: 'p1' }, { offer_id: 'o1' }],
  },
  {
    type: 'click_to_buy',
    valid: [{ product_id: 'p1', offer_id: 'o1', click_id: 'ck1' }, { product_id: 'p1', offer_id: 'o1', click_id: 'ck2', price: 9.5, currency: 'EUR' }],
    invalid: [{ product_id: 'p1', offer_id: 'o1' }, { product_id: 'p1', click_id: 'ck1' }, { offer_id: 'o1', click_id: 'ck1' }],
  },
  { type: 'exposure', valid: [{ experiment_id: 'exp1', variant: 'B' }], invalid: [{ experiment_id: 'exp1' }, { variant: 'B' }] },
  { type: 'session_end', valid: [{}, { reason: 'closed' }], invalid: [] },
];

describe('event types and props', () => {
  for (const { type, valid, invalid } of PROPS_CASES) {
    it(`${type}: accepts valid props, rejects invalid ones by index`, async () => {
      const events = [...valid.map((props) => event(type, props)), ...invalid.map((props) => event(type, props))];
      const result = await answer(await postJson(events));
      expect(result.rejected.map((r) => r.index)).toEqual(invalid.map((_, i) => valid.length + i));
      expect(result.accepted).toBe(valid.length);
    });
  }

  it('checks the common fields', async () => {
    const valid = [
      event('session_start', {}, { event_id: 'a'.repeat(8) + Date.now().toString(36) }),
      event('session_start', {}, { event_id: `Z_-9${'b'.repeat(60)}`.slice(0, 64) }),
      event('session_start', {}, { user_id: 'u'.repeat(64), viewer_id: 'v'.repeat(64), session_id: 's'.repeat(64) }),
      event('session_start', {}, { experiments: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`e${i}`, 'v'.repeat(64)])) }),
    ];
    const invalid = [
      event('session_start', {}, { event_id: 'short7x' }),
      event('session_start', {}, { event_id: 'x'.repeat(65) }),
      event('session_start', {}, { event_id: 'has space!' }),
      event('nonsense_type', {}),
      event('session_start', {}, { ts: 1.5 }),
      event('session_start', {}, { ts: String(Date.now()) }),
      event('session_start', {}, { viewer_id: 'v'.repeat(65) }),
      event('session_start', {}, { session_id: 's'.repeat(65) }),
      event('session_start', {}, { show_id: 's'.repeat(65) }),
      event('session_start', {}, { creator_id: 'c'.repeat(65) }),
      event('session_start', {}, { user_id: 'u'.repeat(65) }),
      event('session_start', {}, { experiments: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`e${i}`, 'v'])) }),
      event('session_start', {}, { experiments: { e1: 'v'.repeat(65) } }),
      event('session_start', {}, { viewer_id: undefined }),
    ];
    // Make the valid ids unique across runs of this test.
    valid[0] = { ...valid[0], event_id: nextId('aaaaaaaa').slice(0, 64) };
    valid[1] = { ...valid[1], event_id: `${nextId('Z_-9')}${'b'.repeat(64)}`.slice(0, 64) };
    const result = await answer(await postJson([...valid, ...invalid]));
    expect(result.rejected.map((r) => r.index)).toEqual(invalid.map((_, i) => valid.length + i));
    expect(result.accepted).toBe(valid.length);
  });
});

describe('stored events (after livelens ingest --once)', () => {
  let rows: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const ingest = await runCli(['ingest', '--once', '--data-dir', dataDir]);
    expect(ingest.code, ingest.stderr).toBe(0);
    rows = await readLakeEvents(dataDir);
  }, 60_000);

  const byId = (id: string): Record<string, unknown> | undefined => rows.find((row) => row['event_id'] === id);

  it('stores every accepted event and none of the refused ones', () => {
    for (const id of storedIds) expect(byId(id), id).toBeDefined();
    for (const id of notStoredIds) expect(byId(id), id).toBeUndefined();
  });

  it('adds retailer_id from the write key', () => {
    expect(byId(storedIds[0] ?? '')?.['retailer_id']).toBe('r1');
    expect(byId(defaultRetailerId)?.['retailer_id']).toBe('default');
  });

  it('sets event_time = ts + received_at - sent_at', () => {
    const row = byId(skewed.id);
    expect(row).toBeDefined();
    const receivedAt = Number(row?.['received_at'] instanceof Date ? (row['received_at'] as Date).getTime() : row?.['received_at']);
    const eventTimeRaw = row?.['event_time'];
    const eventTime = eventTimeRaw instanceof Date ? eventTimeRaw.getTime() : Number(eventTimeRaw);
    expect(Math.abs(receivedAt - Date.now())).toBeLessThan(HOUR_MS);
    expect(eventTime).toBe(skewed.ts + receivedAt - skewed.sentAt);
  });

  it('sets region from the trusted header, else unknown', () => {
    expect(byId(regionIds.de)?.['region']).toBe('DE');
    expect(byId(regionIds.none)?.['region']).toBe('unknown');
  });

  it('never stores the viewer IP address', () => {
    const text = JSON.stringify(rows, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    expect(text).not.toContain('127.0.0.1');
  });
});
