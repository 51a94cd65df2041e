import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { decodeBatch } from './index.ts';
import type { CollectorEnv } from '../../types.ts';

const LIMIT = 1_000;
const app = new Hono<CollectorEnv>().post('/', decodeBatch(LIMIT), (c) => c.json({ n: c.get('envelope').events.length }));
const body = (pad: number) => JSON.stringify({ sent_at: 1, events: [{}], pad: 'x'.repeat(pad) });
const send = (data: BodyInit, headers: Record<string, string> = {}) =>
  app.request('/', { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: data });

describe('decodeBatch', () => {
  it('takes a body of exactly the limit, and refuses one byte more', async () => {
    const exact = body(LIMIT - body(0).length);
    expect(exact.length).toBe(LIMIT);
    expect((await send(exact)).status).toBe(200);
    expect((await send(exact + ' ')).status).toBe(413);
  });

  it('holds the limit after inflating, not before', async () => {
    const inflated = body(LIMIT); // over the limit, though tiny compressed
    expect(gzipSync(inflated).length).toBeLessThan(LIMIT);
    expect((await send(gzipSync(inflated), { 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await send(gzipSync(body(10)), { 'content-encoding': 'GZIP' })).status).toBe(200);
  });

  it('skips a UTF-8 byte order mark', async () => {
    expect((await send('\uFEFF' + body(0), { 'content-type': 'text/plain' })).status).toBe(200);
  });

  it('accepts the media types of docs/spec.md §2 with parameters', async () => {
    expect((await send(body(0), { 'content-type': 'text/plain;charset=UTF-8' })).status).toBe(200);
    expect((await send(body(0), { 'content-type': 'Application/JSON' })).status).toBe(200);
    expect((await send(body(0), { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
  });
});
