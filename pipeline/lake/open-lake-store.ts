/**
 * Opens the lake store for a location: a folder or an S3 prefix.
 *
 * @example
 * const lake = openLakeStore(resolveLakeLocation({ dataDir }), { dataDir });
 * try { await lake.list('orders'); } finally { lake.close(); }
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { resolveLakeLocation, type LakeLocation } from './lake-location.ts';
import type { LakeStore } from './lake-store.ts';
import { LocalLakeStore } from './local-lake-store.ts';
import { createS3Client } from './s3-client.ts';
import { S3LakeStore } from './s3-lake-store.ts';

export interface OpenLakeStoreOptions {
  /** Data dir: staging and download cache for an S3 lake. */
  dataDir: string;
  /** An S3 client to use (tests); default one from the AWS SDK's settings. */
  s3Client?: S3Client;
}

export function openLakeStore(location: LakeLocation, opts: OpenLakeStoreOptions): LakeStore {
  if (location.kind === 'local') return new LocalLakeStore(location);
  const client = opts.s3Client ?? createS3Client();
  return new S3LakeStore(location, { dataDir: opts.dataDir, client, ownsClient: opts.s3Client === undefined });
}

/** The data dir's own lake (`<data dir>/lake`), the default when no lake is configured. */
export function defaultLakeStore(dataDir: string): LakeStore {
  return openLakeStore(resolveLakeLocation({ dataDir, env: {} }), { dataDir });
}
