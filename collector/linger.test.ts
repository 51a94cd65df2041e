/**
 * Lingering close against the real collector on a socket: a client that
 * writes a whole oversized body (slowly, before reading anything) gets its
 * 413 with the message, never a broken pipe, and can reuse the connection;
 * a refused body beyond the linger bounds has its connection cut.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../contract/limits.ts';
import { createLogger } from './log.ts';
import { lingerAfterResponse } from './linger.ts';
import { startCollector, type CollectorHandle } from './node.ts';
import { batchBody, MemorySink, realisticEvents, TEST_KEY, TEST_RETAILER } from './testing/fixtures.ts';
import { chunked, exchange, openRaw, pieces, rawRequest } from './testing/raw-http.ts';

/** 1.1 MiB, as the issue measured. */
const OVERSIZED_BYTES = Math.round(1.1 * 1024 * 1024);
/** 18 pieces 60 ms apart: the body takes about a second to arrive, longer than the adapter's own 500 ms drain. */
const PIECE_BYTES = 64 * 1024;
const PAUSE_MS = 60;

let collector: CollectorHandle;
const dataDir = mkdtempSync(join(tmpdir(), 'livelens-linger-'));
beforeAll(async () => {
  collector = await startCollector({ dataDir, port: 0, writeKeys: `${TEST_KEY}@${TEST_RETAILER}`, sink: new MemorySink(), log: createLogger('silent') });
});
afterAll(async () => {
  await collector.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const headers = (extra: Record<string, string>) => ({ 'content-type': 'application/json', 'x-write-key': TEST_KEY, ...extra });

describe('lingering close on a refused body', () => {
  it('a client writing 1.1 MiB with a Content-Length before reading sees the 413 and its message', async () => {
    const r = await rawRequest(collector.port, { headers: headers({ 'content-length': String(OVERSIZED_BYTES) }), body: pieces(OVERSIZED_BYTES, PIECE_BYTES), pauseMs: PAUSE_MS });
    expect(r.error).toBeUndefined();
    expect(r.written).toBe(OVERSIZED_BYTES);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ error: `body larger than ${MAX_BODY_BYTES} bytes after decoding (MAX_BODY_BYTES)` });
  });

  it('likewise with a chunked body (read up to the limit, the rest discarded), and the connection is reused', async () => {
    const socket = await openRaw(collector.port);
    try {
      const r = await exchange(socket, { headers: headers({ 'transfer-encoding': 'chunked' }), body: chunked(pieces(OVERSIZED_BYTES, PIECE_BYTES)), pauseMs: PAUSE_MS });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe(413);
      const good = Buffer.from(batchBody(realisticEvents(3, Date.now(), 'linger'), Date.now()));
      const next = await exchange(socket, { headers: headers({ 'content-length': String(good.length) }), body: [good] });
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body)).toEqual({ accepted: 3, rejected: [] });
    } finally {
      socket.destroy();
    }
  });

  it('an unknown key with a large body gets its 401 too', async () => {
    const r = await rawRequest(collector.port, { headers: headers({ 'x-write-key': 'nobody_key', 'content-length': String(OVERSIZED_BYTES) }), body: pieces(OVERSIZED_BYTES, PIECE_BYTES), pauseMs: PAUSE_MS / 2 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(401);
  });
});

describe('linger bounds', () => {
  let server: Server;
  let port: number;
  const LIMITS = { maxBytes: 256 * 1024, maxMs: 2_000, idleMs: 300 };
  beforeAll(async () => {
    server = createServer((_req, res) => void res.writeHead(413, { 'content-type': 'text/plain' }).end('too large'));
    server.prependListener('request', lingerAfterResponse(LIMITS));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('cuts the connection once more than maxBytes of a refused body arrive', async () => {
    const total = 4 * 1024 * 1024;
    const r = await rawRequest(port, { headers: { 'content-length': String(total) }, body: pieces(total, PIECE_BYTES), pauseMs: 5, answerTimeoutMs: 1_000 });
    expect(r.closed || r.error !== undefined).toBe(true);
    expect(r.written).toBeLessThan(total);
  });

  it('cuts a refused body that stops arriving for longer than idleMs', async () => {
    const socket = await openRaw(port);
    try {
      const started = Date.now();
      const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
      socket.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\nabc');
      socket.resume();
      const after = await closed;
      expect(after).toBeGreaterThanOrEqual(LIMITS.idleMs - 50);
      expect(after).toBeLessThan(LIMITS.maxMs + 1_000);
    } finally {
      socket.destroy();
    }
  });
});
