/**
 * Slow clients and connection hogs on loopback (a bounded number of sockets):
 * the header and request timeouts are enforced within a second of their
 * value, and one address cannot take the connections of the rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, type CollectorHandle, type CollectorOptions } from './node.ts';
import { batchBody, MemorySink, realisticEvents } from './testing/fixtures.ts';

const KEY = 'slow_key_0001';
let handle: CollectorHandle | undefined;
let dataDir = '';
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await handle?.stop();
  handle = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(over: Partial<CollectorOptions>): Promise<CollectorHandle> {
  dataDir = mkdtempSync(join(tmpdir(), 'livelens-slow-'));
  handle = await startCollector({ dataDir, port: 0, writeKeys: `${KEY}@acme`, sink: new MemorySink(), log: pino({ level: 'silent' }), rateLimits: { addressRequestsPerSecond: 0 }, ...over });
  return handle;
}

/** A raw socket from `localAddress`; resolves with everything it received once it closes. */
function open(port: number, localAddress = '127.0.0.1'): { socket: Socket; connected: Promise<void>; closed: Promise<{ text: string; at: number }> } {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  sockets.push(socket);
  let text = '';
  socket.on('data', (d) => (text += d.toString()));
  socket.on('error', () => undefined);
  return {
    socket,
    connected: new Promise((r) => socket.once('connect', () => r())),
    closed: new Promise((r) => socket.once('close', () => r({ text, at: Date.now() }))),
  };
}

function head(length: number, extra = ''): string {
  return `POST /v1/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-write-key: ${KEY}\r\n${extra}content-length: ${length}\r\n\r\n`;
}

function postBatch(port: number, localAddress: string, extra = ''): Promise<string> {
  const now = Date.now();
  const body = batchBody(realisticEvents(1, now), now);
  const c = open(port, localAddress);
  void c.connected.then(() => c.socket.write(head(Buffer.byteLength(body), `connection: close\r\n${extra}`) + body));
  return c.closed.then((r) => r.text.split('\r\n')[0]!);
}

/** Writes one byte of `text` every `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

describe('slow clients', () => {
  it('answers a body trickled at 5 bytes/s with 408 once the request timeout is up, not a check interval later', async () => {
    const c = await start({ requestTimeoutMs: 1_500, headersTimeoutMs: 1_000 });
    const s = open(c.port);
    await s.connected;
    const started = Date.now();
    s.socket.write(head(500));
    trickle(s.socket, 'x'.repeat(500), 200);
    const { text, at } = await s.closed;
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(at - started).toBeGreaterThanOrEqual(1_400);
    expect(at - started).toBeLessThan(1_500 + 2_000);
  });

  it('closes a connection whose headers trickle once the header timeout is up', async () => {
    const c = await start({ requestTimeoutMs: 3_000, headersTimeoutMs: 1_000 });
    const s = open(c.port);
    await s.connected;
    const started = Date.now();
    trickle(s.socket, head(10).repeat(10), 200);
    const { text, at } = await s.closed;
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(at - started).toBeGreaterThanOrEqual(900);
    expect(at - started).toBeLessThan(1_000 + 2_000);
  });
});

describe('connections per client address', () => {
  it('refuses connections beyond the bound from one address with 429, while another address is served', async () => {
    const c = await start({ maxConnectionsPerAddress: 8 });
    const held = Array.from({ length: 8 }, () => open(c.port));
    await Promise.all(held.map((h) => h.connected));
    // One more, sending its request at once: refused before the request is read.
    const extra = open(c.port);
    void extra.connected.then(() => extra.socket.write(head(2) + '{}'));
    const refused = await extra.closed;
    expect(refused.text).toMatch(/^HTTP\/1\.1 429/);
    expect(refused.text).toContain('too many open connections from this address (at most 8');
    expect(refused.text.match(/HTTP\/1\.1/g)).toHaveLength(1);
    expect(await postBatch(c.port, '127.0.0.2')).toBe('HTTP/1.1 200 OK');
    // A connection closed frees its place.
    held[0]!.socket.destroy();
    await held[0]!.closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(await postBatch(c.port, '127.0.0.1')).toBe('HTTP/1.1 200 OK');
  });

  it('behind a trusted address header, bounds requests in flight per header address, not per socket', async () => {
    const c = await start({ maxConnectionsPerAddress: 2, clientAddressHeader: 'x-viewer-ip' });
    const slow = Array.from({ length: 2 }, () => open(c.port));
    await Promise.all(slow.map((s) => s.connected));
    for (const s of slow) s.socket.write(head(1000, 'x-viewer-ip: 203.0.113.9\r\n') + '{');
    await new Promise((r) => setTimeout(r, 100));
    expect(await postBatch(c.port, '127.0.0.1', 'x-viewer-ip: 203.0.113.9\r\n')).toBe('HTTP/1.1 429 Too Many Requests');
    // Same socket address (the CDN's), other viewer: served.
    expect(await postBatch(c.port, '127.0.0.1', 'x-viewer-ip: 198.51.100.7\r\n')).toBe('HTTP/1.1 200 OK');
  });
});
