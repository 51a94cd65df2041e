/**
 * The embedded Kinesis of the one-machine default: kinesalite started through
 * its JS API on 127.0.0.1 (its CLI would bind every interface), persisted
 * under the data dir, with the stream created if missing.
 *
 * @example
 * const k = await startEmbeddedKinesis({ dir: '.livelens/kinesis' });
 * // k.endpoint -> 'http://127.0.0.1:4567'
 * await k.stop();
 */
import kinesalite from 'kinesalite';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateStreamCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from './kinesis-client.ts';

export const EMBEDDED_STREAM_NAME = 'livelens-events';
export const EMBEDDED_DEAD_LETTER_STREAM_NAME = 'livelens-dead-letters';
export const EMBEDDED_SHARD_COUNT = 2;

export interface EmbeddedKinesis {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedKinesisOptions {
  /** LevelDB folder; in-memory when absent. */
  dir?: string;
  /** 0 picks a free port. */
  port?: number;
}

/** Longest stop() waits for requests already inside kinesalite before closing its LevelDB anyway. */
export const EMBEDDED_STOP_WAIT_MS = 5_000;

export async function startEmbeddedKinesis(opts: EmbeddedKinesisOptions = {}): Promise<EmbeddedKinesis> {
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const server = kinesalite({ path: opts.dir, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  const inFlight = trackRequestsInFlight(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      // Graceful: requests already inside kinesalite finish and are answered (an answer lost to a
      // closed socket makes the client send the stored records again), their sockets then close,
      // and no new connection is taken. Only then may kinesalite's close() shut its LevelDB: a
      // request still reading it (a GetRecords iterator) crashes the whole process in leveldown.
      inFlight.refuseNew();
      server.closeIdleConnections?.();
      await inFlight.idle(EMBEDDED_STOP_WAIT_MS);
      server.closeAllConnections?.();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/**
 * Counts requests from arrival until their handler ends the response, and once told to refuse:
 * drops new connections before any request on them reaches kinesalite, and closes each
 * connection after the answer it is carrying (so a keep-alive socket brings no further request).
 */
function trackRequestsInFlight(server: Server): { refuseNew(): void; idle(maxWaitMs: number): Promise<void> } {
  const inFlight = new Set<ServerResponse>();
  let refusing = false;
  let waiters: Array<() => void> = [];
  const closeAfterAnswer = (res: ServerResponse) => {
    if (!res.headersSent) res.shouldKeepAlive = false; // Node answers "Connection: close" and closes
    else res.once('finish', () => res.socket?.end());
  };
  server.on('connection', (socket: Socket) => {
    if (refusing) socket.destroy();
  });
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (refusing) closeAfterAnswer(res);
    const end = res.end;
    res.end = function (this: ServerResponse, ...args: Parameters<ServerResponse['end']>) {
      if (inFlight.delete(res) && inFlight.size === 0) for (const w of waiters.splice(0)) w();
      return end.apply(this, args);
    } as ServerResponse['end'];
  });
  return {
    refuseNew: () => {
      refusing = true;
      for (const res of inFlight) closeAfterAnswer(res);
    },
    idle: (maxWaitMs) =>
      inFlight.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              waiters = waiters.filter((w) => w !== done);
              resolve();
            }, maxWaitMs);
            const done = () => {
              clearTimeout(timer);
              resolve();
            };
            waiters.push(done);
          }),
  };
}

/** Creates the stream unless it exists, then waits until it is ACTIVE. */
export async function ensureStream(client: KinesisClient, name: string, shards = EMBEDDED_SHARD_COUNT): Promise<void> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceInUseException') throw err;
  }
  for (let i = 0; i < 100; i++) {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

export { createKinesisClient };
