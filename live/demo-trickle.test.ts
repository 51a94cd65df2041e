import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateEvent } from '../contract/events.ts';
import { PROBLEM_EVERY_MS, PROBLEM_FIRST_MS, PROBLEM_MS, problemAt, startTrickle, TRICKLE_VIEWERS } from './demo-trickle.ts';

describe('demo live trickle', () => {
  it('has a latency problem from time to time', () => {
    expect(problemAt(0)).toBe(false);
    expect(problemAt(PROBLEM_FIRST_MS)).toBe(true);
    expect(problemAt(PROBLEM_FIRST_MS + PROBLEM_MS)).toBe(false);
    expect(problemAt(PROBLEM_FIRST_MS + PROBLEM_EVERY_MS + 1)).toBe(true);
  });

  it('posts valid events per region with the write key and region header, one request at a time, retrying a 503', async () => {
    const got: { region: string; key: string; events: unknown[] }[] = [];
    let open = 0;
    let maxOpen = 0;
    let refuse = 1;
    const server = createServer((req, res) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        setTimeout(() => {
          open--;
          if (refuse-- > 0) {
            res.writeHead(503, { 'retry-after': '0' }).end();
            return;
          }
          const body = JSON.parse(text);
          got.push({ region: String(req.headers['cloudfront-viewer-country']), key: String(req.headers['x-write-key']), events: body.events });
          res.writeHead(200).end('{}');
        }, 5);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const t = startTrickle({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writeKey: 'demo-key-1', retailerId: 'northwind' });
    await t.stop();
    await new Promise((r) => server.close(r));
    expect(got.map((g) => g.region).sort()).toEqual(Object.keys(TRICKLE_VIEWERS).sort());
    expect(maxOpen).toBe(1);
    expect(got.every((g) => g.key === 'demo-key-1')).toBe(true);
    const events = got.flatMap((g) => g.events);
    expect(events.length).toBeGreaterThanOrEqual(2 * t.viewers); // session_start + startup each on the first tick
    for (const e of events) expect(validateEvent(e).ok, JSON.stringify(e)).toBe(true);
  });
});
