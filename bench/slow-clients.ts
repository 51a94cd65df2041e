/**
 * How long the collector holds slow clients, and whether one address can
 * take every connection: `npx tsx bench/slow-clients.ts [--sockets 4200]`.
 * Starts the collector on 127.0.0.1 with a no-op sink, then
 *   (1) trickles a body at one byte a second and times the answer (408) or close,
 *   (2) trickles the request headers the same way,
 *   (3) opens --sockets idle sockets from 127.0.0.1 and checks that a viewer
 *       on 127.0.0.2 still gets 200.
 * Prints one JSON line per measurement. `--only-sockets` skips (1) and (2).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startCollector } from '../collector/node.ts';
import { MemorySink, batchBody, realisticEvents } from '../collector/testing/fixtures.ts';

const args = process.argv.slice(2);
const socketsArg = args.indexOf('--sockets');
const SOCKETS = socketsArg === -1 ? 4200 : Number(args[socketsArg + 1]);
const KEY = 'bench_key_0001';
/** Sockets opened at once by the hog. */
const OPEN_STEP = 200;

function trickle(port: number, head: string, body: string | null): Promise<{ heldMs: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const s = connect(port, '127.0.0.1');
    let got = '';
    const text = body === null ? head : head + body;
    let i = body === null ? 0 : head.length;
    if (body !== null) s.write(head);
    const timer = setInterval(() => {
      if (i < text.length && !s.destroyed) s.write(text[i++]!);
    }, 1000);
    s.on('data', (d) => (got += d.toString()));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearInterval(timer);
      resolve({ heldMs: Date.now() - started, answer: got.split('\r\n')[0] || '(closed, no answer)' });
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-slow-'));
const c = await startCollector({ dataDir, port: 0, writeKeys: `${KEY}@bench`, sink: new MemorySink(), log: pino({ level: 'silent' }), rateLimits: { addressRequestsPerSecond: 0 } });
try {
  const body = 'x'.repeat(200);
  const head = `POST /v1/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-write-key: ${KEY}\r\ncontent-length: ${body.length}\r\n\r\n`;
  if (!args.includes('--only-sockets')) {
    const [slowBody, slowHeaders] = await Promise.all([trickle(c.port, head, body), trickle(c.port, head.repeat(4), null)]);
    console.log(JSON.stringify({ measure: 'slow body, 1 byte/s', ...slowBody }));
    console.log(JSON.stringify({ measure: 'slow headers, 1 byte/s', ...slowHeaders }));
  }

  const sockets: Socket[] = [];
  let refused = 0;
  // In steps, so the listen backlog does not hold them back (the server accepts each before the next step).
  for (let opened = 0; opened < SOCKETS; opened += OPEN_STEP) {
    await Promise.all(Array.from({ length: Math.min(OPEN_STEP, SOCKETS - opened) }, () => new Promise<void>((resolve) => {
      const s = connect({ port: c.port, host: '127.0.0.1' }, () => resolve());
      s.on('error', () => { refused++; resolve(); });
      s.on('close', () => { refused++; resolve(); });
      s.resume(); // read the answer, so a refusal is seen as a close
      sockets.push(s);
    })));
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const open = sockets.filter((s) => !s.destroyed).length;
  const now = Date.now();
  const viewer = await new Promise<string>((resolve) => {
    const s = connect({ port: c.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    const payload = batchBody(realisticEvents(1, now), now);
    s.on('connect', () => s.write(`POST /v1/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-write-key: ${KEY}\r\nconnection: close\r\ncontent-length: ${payload.length}\r\n\r\n${payload}`));
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('error', (err) => resolve(`error ${err.message}`));
    s.on('close', () => resolve(got.split('\r\n')[0] || '(closed, no answer)'));
    setTimeout(() => { s.destroy(); resolve('(no answer in 5 s)'); }, 5000).unref();
  });
  console.log(JSON.stringify({ measure: `${SOCKETS} idle sockets from 127.0.0.1`, stillOpen: open, refusedOrClosed: refused, viewerFrom127002: viewer }));
  for (const s of sockets) s.destroy();
} finally {
  await c.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
