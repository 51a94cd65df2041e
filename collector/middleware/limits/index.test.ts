import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-bucket.ts';
import { addressRateLimit } from './index.ts';
import type { CollectorEnv } from '../../types.ts';

describe('TokenBuckets', () => {
  it('allows a burst, then refills at the rate and says how long to wait', () => {
    let now = 0;
    const b = new TokenBuckets(10, 20, () => now);
    expect(b.take('a', 20)).toBe(0);
    expect(b.take('a', 1)).toBe(1);
    expect(b.take('a', 15)).toBe(2); // 15 tokens at 10/s: 1.5 s, rounded up
    now += 500;
    expect(b.take('a', 5)).toBe(0);
    expect(b.take('b', 20)).toBe(0); // buckets are per id
    now += 60_000;
    expect(b.take('a', 21)).toBe(Infinity); // never fits the burst
    expect(b.take('a', 20)).toBe(0); // refill is capped at the burst
  });

  it('bounds the ids it tracks', () => {
    const b = new TokenBuckets(1, 1, () => 0, 100);
    for (let i = 0; i < 1_000; i++) b.take(`id${i}`, 1);
    expect(b.size).toBeLessThanOrEqual(100);
  });
});

describe('addressRateLimit', () => {
  it('answers 429 with Retry-After and is off at rate 0', async () => {
    const limits = { keyEventsPerSecond: 0, keyBurstEvents: 0, addressRequestsPerSecond: 2, addressBurstRequests: 1 };
    const app = new Hono<CollectorEnv>().get('/', addressRateLimit(limits, () => '192.0.2.1', () => 0), (c) => c.text('ok'));
    expect((await app.request('/')).status).toBe(200);
    const res = await app.request('/');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: string }).error).toContain('more than 2 requests/s (burst 1)');
    const off = new Hono<CollectorEnv>().get('/', addressRateLimit({ ...limits, addressRequestsPerSecond: 0 }, () => 'x', () => 0), (c) => c.text('ok'));
    for (let i = 0; i < 5; i++) expect((await off.request('/')).status).toBe(200);
  });
});
