/**
 * A real local S3 for tests: s3rver on 127.0.0.1 (a free port), objects
 * in a temp folder removed on stop, and an S3 client for it made the way
 * the product makes one (createS3Client with an endpoint override).
 *
 * @example
 * const s3 = await startLocalS3(['lake']);
 * await new S3LakeStore(parseS3Url('s3://lake/acme', 'test'), { dataDir, client: s3.client }).list('events');
 * await s3.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { createS3Client } from '../pipeline/lake/s3-client.ts';

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  /** Environment for a child process to reach it through the AWS SDK's own settings. */
  env: Record<string, string>;
  /** Every key under a prefix, sorted. */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  /** An object's bytes. */
  get(bucket: string, key: string): Promise<Uint8Array>;
  stop(): Promise<void>;
}

export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'livelens-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  const client = createS3Client({ env });
  return {
    endpoint,
    client,
    env,
    async keys(bucket, prefix = '') {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async get(bucket, key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body!.transformToByteArray();
    },
    async stop() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
