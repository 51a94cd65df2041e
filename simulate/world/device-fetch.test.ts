import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceFetch, MAX_REAL_RETRY_PAUSE_MS, restampSentAt } from './device-fetch.ts';

let server: Server;
let url: string;
const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      if (req.url?.includes('limited')) return void res.writeHead(429, { 'retry-after': '60' }).end('slow down');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1,"rejected":[]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const init = (body: string) => ({ method: 'POST' as const, body, headers: { 'content-type': 'text/plain' }, keepalive: true });

describe('the simulated device network', () => {
  it('restamps only the envelope sent_at', () => {
    expect(restampSentAt('{"sent_at":1,"events":[{"ts":1}]}', 99)).toBe('{"sent_at":99,"events":[{"ts":1}]}');
  });

  it('sends the device user agent, country and address, with sent_at on the device clock', async () => {
    const net = createDeviceFetch({ userAgent: 'UA/1', region: 'BR', regionHeader: 'cloudfront-viewer-country', clientAddress: '10.1.2.3', clockOffsetMs: -3_600_000, lostAckRate: 0 });
    const before = Date.now();
    const res = await net.fetch(url, init('{"sent_at":5,"events":[]}'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('accepted');
    const got = seen.at(-1)!;
    expect([got.headers['user-agent'], got.headers['cloudfront-viewer-country'], got.headers['x-forwarded-for']]).toEqual(['UA/1', 'BR', '10.1.2.3']);
    const sentAt = (JSON.parse(got.body) as { sent_at: number }).sent_at;
    expect(sentAt - (before - 3_600_000)).toBeGreaterThanOrEqual(0);
    expect(sentAt - (Date.now() - 3_600_000)).toBeLessThanOrEqual(0);
    await net.idle();
  });

  it('loses an answer when the draw says so: the request arrived, the device sees a network error', async () => {
    const draws = [0.5, 0.001];
    const net = createDeviceFetch({ userAgent: 'UA', region: 'US', regionHeader: 'x-country', clientAddress: '10.0.0.1', lostAckRate: 0.01, random: () => draws.shift()! });
    const count = seen.length;
    await expect(net.fetch(url, init('{"sent_at":1,"events":[]}'))).resolves.toMatchObject({ status: 200 });
    await expect(net.fetch(url, init('{"sent_at":1,"events":[]}'))).rejects.toThrow(/connection reset/);
    expect(seen.length).toBe(count + 2);
    expect(net.lostAcks()).toBe(1);
    expect(net.statuses.get(200)).toBe(2);
  });

  it('pauses in real time on 429, for Retry-After but never longer than the cap, then hands the answer to the SDK', async () => {
    const net = createDeviceFetch({ userAgent: 'UA', region: 'US', regionHeader: 'x-country', clientAddress: '10.0.0.1', lostAckRate: 0, maxRetryPauseMs: 120 });
    const t0 = Date.now();
    const res = await net.fetch(url.replace('/v1/events', '/limited'), init('{"sent_at":1,"events":[]}'));
    const waited = Date.now() - t0;
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(waited).toBeGreaterThanOrEqual(110);
    expect(waited).toBeLessThan(5_000);
    expect(MAX_REAL_RETRY_PAUSE_MS).toBeLessThanOrEqual(5_000); // a limited collector slows the simulation, it never stalls it
  });
});
