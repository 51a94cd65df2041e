import { describe, expect, it } from 'vitest';
import { createFakeFetch } from './testing/fake-fetch.ts';
import {
  byteLength,
  createTransport,
  KEEPALIVE_MAX_BYTES,
  MAX_RETRY_AFTER_MS,
  parseRetryAfterMs,
  rejectedIndexes,
  RETRY_BASE_MS,
  RETRY_MAX_MS,
  retryDelayMs,
} from './transport.ts';

const body = (events: unknown[]) => JSON.stringify({ sent_at: 1, events });

describe('transport', () => {
  it('posts text/plain to /v1/events with the key in the query, keepalive only under 60 KB', async () => {
    const net = createFakeFetch();
    const t = createTransport({ endpoint: 'http://collector.test/', writeKey: 'k y', fetch: net.fetch });
    await t._send(body([{ a: 1 }]));
    await t._send(body([{ pad: 'x'.repeat(KEEPALIVE_MAX_BYTES) }]));
    expect(net.requests[0]!.url).toBe('http://collector.test/v1/events?key=k%20y');
    expect(net.requests[0]!.headers['content-type']).toBe('text/plain');
    expect(net.requests.map((r) => r.keepalive)).toEqual([true, false]);
  });

  it('classifies answers: ok with rejected indexes, retry on network/429/5xx, drop on 400/401/413', async () => {
    const answers = [
      { status: 200, body: { accepted: 1, rejected: [{ index: 1, error: 'x' }] } },
      'network-error' as const,
      { status: 429, headers: { 'Retry-After': '7' } },
      { status: 503 },
      { status: 400 },
      { status: 401 },
      { status: 413 },
    ];
    const net = createFakeFetch((_, i) => answers[i]!);
    const t = createTransport({ endpoint: 'http://c', writeKey: 'k', fetch: net.fetch });
    const kinds = [];
    for (let i = 0; i < answers.length; i++) kinds.push(await t._send(body([{}, {}])));
    expect(kinds[0]).toEqual({ _kind: 'ok', _rejected: [1] });
    expect(kinds[1]).toMatchObject({ _kind: 'retry', _reason: expect.stringMatching(/network error/) });
    expect(kinds[2]).toMatchObject({ _kind: 'retry', _retryAfterMs: 7000 });
    expect(kinds[3]).toMatchObject({ _kind: 'retry' });
    expect(kinds[3]).toMatchObject({ _retryAfterMs: undefined });
    expect(kinds.slice(4).map((k) => k._kind)).toEqual(['drop', 'drop', 'drop']);
    expect(kinds[5]).toMatchObject({ _reason: expect.stringMatching(/^HTTP 401/) });
  });

  it('beacons to the same URL, and reports false without sendBeacon', () => {
    const calls: [string, string][] = [];
    const t = createTransport({ endpoint: 'http://c', writeKey: 'k', sendBeacon: (u, b) => (calls.push([u, b]), true) });
    expect(t._beacon('{"x":1}')).toBe(true);
    expect(calls).toEqual([['http://c/v1/events?key=k', '{"x":1}']]);
    expect(createTransport({ endpoint: 'http://c', writeKey: 'k' })._beacon('{}')).toBe(false);
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or an HTTP date, clamped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter in [cap/2, cap], capped, never below Retry-After', () => {
    expect(retryDelayMs(0, () => 0)).toBe(RETRY_BASE_MS / 2);
    expect(retryDelayMs(0, () => 1)).toBe(RETRY_BASE_MS);
    expect(retryDelayMs(3, () => 0.5)).toBe(Math.round(8 * RETRY_BASE_MS * 0.75));
    expect(retryDelayMs(30, () => 1)).toBe(RETRY_MAX_MS);
    expect(retryDelayMs(0, () => 0, 9000)).toBe(9000);
  });

  it('reads rejected indexes and tolerates odd bodies; counts UTF-8 bytes', () => {
    expect(rejectedIndexes('{"accepted":2,"rejected":[{"index":0},{"index":3}]}')).toEqual([0, 3]);
    expect(rejectedIndexes('not json')).toEqual([]);
    expect(byteLength('aé€😀')).toBe(1 + 2 + 3 + 4);
  });
});
