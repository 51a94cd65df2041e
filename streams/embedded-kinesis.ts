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
import type { AddressInfo } from 'node:net';
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

export async function startEmbeddedKinesis(opts: EmbeddedKinesisOptions = {}): Promise<EmbeddedKinesis> {
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const server = kinesalite({ path: opts.dir, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
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
