import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../collector/log.ts';
import { mountApp, startServer, type ServerContext, type ServerService } from './start-server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-server-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const log = createLogger('silent');

/** A port nothing listens on: a configured Kinesis that is down, so no kinesalite starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function recorder(name: string, journal: string[], failStart = false): ServerService & { context?: ServerContext } {
  const service: ServerService & { context?: ServerContext } = {
    name,
    start(context) {
      journal.push(`start ${name}`);
      if (failStart) throw new Error('no stream to read');
      service.context = context;
    },
    async stop() {
      journal.push(`stop ${name}`);
    },
  };
  return service;
}

describe('startServer', () => {
  it('serves mounted sub-apps beside the collector and runs services from start to stop in order', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const journal: string[] = [];
    const first = recorder('first', journal);
    const second = recorder('second', journal);
    const dashboard = new Hono<{ Variables: { role: string } }>().get('/page', (c) => c.text('dashboard page'));
    const s = await startServer({
      dataDir: join(dataDir, 'mounted'), port: 0, writeKeys: 'k1@r1', kinesisEndpoint: endpoint, log,
      routes: [mountApp('/dashboard', dashboard), (app) => app.get('/extra', (c) => c.json({ extra: true }))],
      services: [first, second],
    });
    try {
      expect(await (await fetch(`${s.url}/dashboard/page`)).text()).toBe('dashboard page');
      expect(await (await fetch(`${s.url}/extra`)).json()).toEqual({ extra: true });
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200); // the collector's routes are untouched
      expect(first.context).toMatchObject({ url: s.url, kinesis: { endpoint, stream: 'livelens-events' }, dataDir: join(dataDir, 'mounted') });
      expect(first.context!.writeKeys.map((k) => k.retailer)).toEqual(['r1']);
      expect(journal).toEqual(['start first', 'start second']);
    } finally {
      await s.stop();
      await s.stop(); // idempotent
    }
    expect(journal).toEqual(['start first', 'start second', 'stop second', 'stop first']);
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
  });

  it('a service that fails to start stops what started and frees the port, naming the service', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const journal: string[] = [];
    const port = await freePort();
    const start = () =>
      startServer({
        dataDir: join(dataDir, 'failing'), port, writeKeys: 'k1@r1', kinesisEndpoint: endpoint, log,
        services: [recorder('ok', journal), recorder('live reader', journal, true)],
      });
    await expect(start()).rejects.toThrow('server service "live reader" failed to start: no stream to read');
    expect(journal).toEqual(['start ok', 'start live reader', 'stop ok']);
    const again = await startServer({ dataDir: join(dataDir, 'failing'), port, writeKeys: 'k1@r1', kinesisEndpoint: endpoint, log });
    await again.stop();
  });
});
