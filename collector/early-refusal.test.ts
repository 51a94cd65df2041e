import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectorApp } from './app.ts';
import { Counters } from './counters.ts';
import { refuseWhenFull } from './early-refusal.ts';
import { OVERLOAD_RETRY_AFTER_SECONDS } from './limits.ts';
import { InFlight } from './middleware/admission/index.ts';
import { keysByValue } from './middleware/auth/index.ts';
import { batchBody, MemoryDeadLetters, realisticEvents, TEST_KEY, TEST_RETAILER } from './testing/fixtures.ts';
import type { EventSink } from './types.ts';
import { parseWriteKeys } from './write-keys.ts';

const NOW = 1_750_000_000_000;
const SHOP = 'https://shop.example';
const NO_LIMITS = { keyEventsPerSecond: 0, keyBurstEvents: 0, addressRequestsPerSecond: 0, addressBurstRequests: 0 };
const okSink: EventSink = {
  write: async () => undefined,
  status: () => ({ healthy: true, streamUp: true, spool: { bytes: 0, events: 0, files: 0, maxBytes: 0 } }),
  close: async () => undefined,
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** The collector's app behind the early refusal, on a real socket, as node.ts composes them; the gate holds one batch. */
async function setup() {
  const writeKeys = parseWriteKeys(`${TEST_KEY}@${TEST_RETAILER}=${SHOP}`);
  const gate = new InFlight({ maxRequests: 1, minRequests: 1, initialRequests: 1, targetLatencyMs: 60_000 });
  const counters = new Counters();
  const lifecycle = { accepting: true };
  const app = createCollectorApp({ writeKeys, sink: okSink, deadLetters: new MemoryDeadLetters(), now: () => NOW, rateLimits: NO_LIMITS, log: pino({ level: 'silent' }), inFlight: gate, counters, lifecycle });
  const hono = getRequestListener(app.fetch);
  const refuse = refuseWhenFull({ gate, keys: keysByValue(writeKeys), counters, lifecycle });
  server = createServer((req, res) => {
    if (!refuse(req, res)) void hono(req, res);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const body = batchBody(realisticEvents(2, NOW), NOW);
  const init = (headers: Record<string, string>): RequestInit => ({ method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body });
  /** Over the socket (the early refusal sees it first). */
  const post = (query: string, headers: Record<string, string> = {}) => fetch(`${url}/v1/events${query}`, init(headers));
  /** Straight to Hono (what the admission middleware answers). */
  const viaHono = (query: string, headers: Record<string, string> = {}) => app.request(`/v1/events${query}`, init({ 'content-length': String(Buffer.byteLength(body)), ...headers }));
  return { gate, counters, lifecycle, post, viaHono };
}

const answer = async (res: Response) => ({
  status: res.status,
  body: (await res.json()) as { error: string },
  retryAfter: res.headers.get('retry-after'),
  contentType: res.headers.get('content-type'),
  allowOrigin: res.headers.get('access-control-allow-origin'),
  vary: res.headers.get('vary'),
});

describe('early refusal (overload 503 before Hono)', () => {
  it('answers a batch the full gate would shed as the admission middleware does: status, message, Retry-After, CORS; counted once', async () => {
    const { gate, counters, post, viaHono } = await setup();
    expect(gate.tryEnter(100)).toBe(true); // the one batch in flight
    const early = await answer(await post(`?key=${TEST_KEY}`, { origin: SHOP }));
    expect(gate.shed).toBe(1);
    const hono = await answer(await viaHono(`?key=${TEST_KEY}`, { origin: SHOP }));
    expect(gate.shed).toBe(2);
    expect(early).toEqual(hono);
    expect(early).toMatchObject({ status: 503, retryAfter: String(OVERLOAD_RETRY_AFTER_SECONDS), contentType: 'application/json', allowOrigin: SHOP, vary: 'Origin' });
    expect(early.body.error).toMatch(/^collector overloaded: 1 batches \(100 bytes\) in flight, at most 1 now/);
    // The key in the header, no browser: no CORS headers.
    const plain = await answer(await post('', { 'x-write-key': TEST_KEY }));
    expect(plain).toMatchObject({ status: 503, allowOrigin: null, vary: null });
    expect(counters.responses).toEqual({ 503: 3 }); // three refusals (two early, one by Hono), each counted once
    expect(gate.shed).toBe(3);
  });

  it('leaves an unknown key (401), a disallowed origin (403) and a shutting-down collector to Hono', async () => {
    const { gate, lifecycle, post } = await setup();
    gate.tryEnter(100);
    expect((await answer(await post('?key=nobody_0000'))).status).toBe(401);
    expect((await answer(await post('', { 'x-write-key': TEST_KEY, origin: 'https://elsewhere.example' }))).status).toBe(403);
    expect(gate.shed).toBe(0);
    lifecycle.accepting = false;
    expect((await answer(await post(`?key=${TEST_KEY}`))).body.error).toMatch(/shutting down/);
  });

  it('passes a batch the gate has room for on to Hono, which accepts it', async () => {
    const { gate, post } = await setup();
    const res = await post(`?key=${TEST_KEY}`);
    expect(res.status).toBe(200);
    expect(gate).toMatchObject({ shed: 0, requests: 0 });
  });
});
