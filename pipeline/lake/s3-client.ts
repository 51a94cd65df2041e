/**
 * The S3 client for the lake. Region and credentials follow the AWS SDK's
 * default chain; the SDK's own endpoint settings (`AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL`) are honoured, and when one is set (a local S3 such as
 * s3rver or MinIO) requests use path-style addressing, which those expect.
 *
 * @example
 * const s3 = createS3Client(); // real S3 in AWS_REGION
 */
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** Sockets kept open to S3 per client (a multipart upload uses MULTIPART_QUEUE_SIZE of them). */
export const S3_MAX_SOCKETS = 16;
/** Time to connect to S3 before the SDK retries. */
export const S3_CONNECTION_TIMEOUT_MS = 5_000;
/** Time a single S3 request (one part of at most MULTIPART_PART_BYTES) may take. */
export const S3_REQUEST_TIMEOUT_MS = 120_000;

export interface S3ClientOptions {
  /** Endpoint override; default the SDK's (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS). */
  endpoint?: string;
  region?: string;
  env?: NodeJS.ProcessEnv;
}

export function createS3Client(opts: S3ClientOptions = {}): S3Client {
  const env = opts.env ?? process.env;
  const endpoint = opts.endpoint ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined);
  // Keys given in `env` (not the process's) are used as given; otherwise the SDK's default chain.
  const keys = env !== process.env && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
    ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY } }
    : {};
  return new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...keys,
    region: opts.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'),
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: S3_MAX_SOCKETS }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: S3_MAX_SOCKETS }),
      connectionTimeout: S3_CONNECTION_TIMEOUT_MS,
      requestTimeout: S3_REQUEST_TIMEOUT_MS,
    }),
  });
}
