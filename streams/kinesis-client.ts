/**
 * Builds the Kinesis client for a real stream or a local endpoint.
 *
 * The v3 client's default handler speaks HTTP/2 and fails with a protocol
 * error against a plain-http local endpoint such as kinesalite, so an HTTP/1.1
 * `NodeHttpHandler` is always used; it also lets us bound the socket pool.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** Sockets kept open to Kinesis per client. */
export const KINESIS_MAX_SOCKETS = 50;

export interface KinesisClientOptions {
  /** Endpoint override, e.g. `http://127.0.0.1:4567` for kinesalite. */
  endpoint?: string;
  /** AWS region; defaults to AWS_REGION, else us-east-1. */
  region?: string;
  /** SDK-level retries; the collector's sink does its own, so it passes 1. */
  maxAttempts?: number;
}

export function createKinesisClient(opts: KinesisClientOptions = {}): KinesisClient {
  const local = opts.endpoint !== undefined && opts.endpoint.startsWith('http://');
  return new KinesisClient({
    endpoint: opts.endpoint,
    region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: opts.maxAttempts,
    // kinesalite accepts any credentials; real AWS uses the default chain.
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: KINESIS_MAX_SOCKETS }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: KINESIS_MAX_SOCKETS }),
      connectionTimeout: 2_000,
      requestTimeout: 10_000,
    }),
  });
}
