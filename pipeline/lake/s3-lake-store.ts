/**
 * The lake on S3 (`LIVELENS_LAKE=s3://bucket/prefix`): the same Hive layout
 * as a local lake, `<prefix>/<table>/dt=YYYY-MM-DD/<name>.parquet`. A file
 * is staged under `<data dir>/staging/s3/` and uploaded with
 * `@aws-sdk/lib-storage` (multipart above MULTIPART_PART_BYTES); S3 shows
 * an object only once its upload completed, so readers never see half a
 * file, and `publish` resolves only after S3 acknowledged the whole object
 * (then the staged copy is deleted). Reading for writers (orders dedupe,
 * ingest recovery) downloads into `<data dir>/cache/s3-lake/`, once per
 * object version: a file is only replaced by ingest re-landing an
 * uncheckpointed landing under its same name, and the copy is fetched
 * again when the object's size or LastModified changed.
 *
 * @example
 * const lake = new S3LakeStore(parseS3Url('s3://acme-lake/livelens', 'LIVELENS_LAKE'), { dataDir, client: createS3Client() });
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { LAKE_CACHE_DIR, STAGING_DIR } from '../../contract/data-dir.ts';
import type { LakeLocation, S3Lake } from './lake-location.ts';
import { lakeKeyParts, partitionName, S3_SIDECAR_PREFIX, type LakeObject, type LakeStore } from './lake-store.ts';
import type { LakeTable } from './partitions.ts';

/** Multipart part size (S3's minimum is 5 MiB); files up to this size go in one PUT. */
export const MULTIPART_PART_BYTES = 8 * 1024 * 1024;
/** Parts uploaded at once per file. */
export const MULTIPART_QUEUE_SIZE = 4;
/** Keys per ListObjectsV2 page (S3's maximum). */
export const LIST_PAGE_KEYS = 1000;
/** Staging and download cache folders under the data dir. */
export const S3_STAGING_DIR = join(STAGING_DIR, 's3');
export const S3_CACHE_DIR = join(LAKE_CACHE_DIR, 's3-lake');

export interface S3LakeStoreOptions {
  /** Local data dir for staging and the download cache. */
  dataDir: string;
  client: S3Client;
  /** Destroy the client on close (it was made for this store). */
  ownsClient?: boolean;
}

export class S3LakeStore implements LakeStore {
  readonly location: S3Lake & LakeLocation;

  constructor(location: S3Lake & Partial<LakeLocation>, private readonly opts: S3LakeStoreOptions) {
    this.location = { setting: 'LIVELENS_LAKE', ...location } as S3Lake & LakeLocation;
  }

  private key(...parts: string[]): string {
    return [this.location.prefix, ...parts].filter((p) => p !== '').join('/');
  }

  private url(key: string): string {
    return `s3://${this.location.bucket}/${key}`;
  }

  async stagingPath(table: LakeTable, dt: string, name: string): Promise<string> {
    const dir = join(this.opts.dataDir, S3_STAGING_DIR);
    await mkdir(dir, { recursive: true });
    return join(dir, `${table}-${partitionName(dt)}-${randomBytes(4).toString('hex')}-${name}`);
  }

  async publish(stagedPath: string, table: LakeTable, dt: string, name: string): Promise<string> {
    const key = this.key(table, partitionName(dt), name);
    const upload = new Upload({
      client: this.opts.client,
      params: { Bucket: this.location.bucket, Key: key, Body: createReadStream(stagedPath), ContentType: 'application/vnd.apache.parquet' },
      partSize: MULTIPART_PART_BYTES,
      queueSize: MULTIPART_QUEUE_SIZE,
      // A failed multipart upload is aborted, so no orphaned parts are billed.
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      throw new Error(`upload of ${this.url(key)} failed (${(err as Error).message}); the file stays staged at ${stagedPath}`, { cause: err });
    }
    await rm(stagedPath, { force: true });
    return this.url(key);
  }

  async remove(table: LakeTable, dt: string, name: string): Promise<void> {
    await this.opts.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.key(table, partitionName(dt), name) }));
  }

  private async listKeys(prefix: string): Promise<Array<{ key: string; size: number; mtimeMs: number }>> {
    const out: Array<{ key: string; size: number; mtimeMs: number }> = [];
    let token: string | undefined;
    do {
      const page = await this.opts.client.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: LIST_PAGE_KEYS }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, mtimeMs: o.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async list(table: LakeTable): Promise<LakeObject[]> {
    const root = this.key(table) + '/';
    return (await this.listKeys(`${root}dt=`))
      .filter((o) => o.key.endsWith('.parquet') && /^dt=[^/]+\/[^/]+$/.test(o.key.slice(root.length)))
      .map((o) => ({ path: this.url(o.key), key: o.key.slice(this.key().length).replace(/^\//, ''), size: o.size, mtimeMs: o.mtimeMs }));
  }

  async localCopies(objects: readonly LakeObject[]): Promise<string[]> {
    const root = this.cacheRoot();
    const paths: string[] = [];
    for (const o of objects) {
      const local = join(root, ...o.key.split('/'));
      const cached = await stat(local).catch(() => undefined);
      // A copy is current when its size and its mtime (set to the object's LastModified) match: ingest
      // re-lands an uncheckpointed file under the same name, so a key alone does not name one content.
      if (!cached || cached.size !== o.size || Math.trunc(cached.mtimeMs) !== Math.trunc(o.mtimeMs)) await this.download(this.key(o.key), local, o.mtimeMs);
      paths.push(local);
    }
    return paths;
  }

  private async download(key: string, local: string, mtimeMs: number): Promise<void> {
    await mkdir(dirname(local), { recursive: true });
    const out = await this.opts.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
    if (!out.Body) throw new Error(`GetObject ${this.url(key)} returned no body`);
    const temp = `${local}.${process.pid}.tmp`;
    await pipeline(out.Body as Readable, createWriteStream(temp));
    await utimes(temp, new Date(), new Date(mtimeMs));
    await rename(temp, local);
  }

  async readSidecar(name: string): Promise<string | undefined> {
    try {
      const out = await this.opts.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(S3_SIDECAR_PREFIX, name) }));
      return await out.Body?.transformToString('utf8');
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  async listSidecars(folder: string): Promise<string[]> {
    const prefix = this.key(S3_SIDECAR_PREFIX, folder) + '/';
    return (await this.listKeys(prefix)).map((o) => o.key.slice(prefix.length)).filter((n) => n !== '' && !n.includes('/'));
  }

  /** One PUT: S3 replaces an object atomically, and a reader sees the old or the new text, never a mix. */
  async writeSidecar(name: string, text: string): Promise<void> {
    await this.opts.client.send(
      new PutObjectCommand({ Bucket: this.location.bucket, Key: this.key(S3_SIDECAR_PREFIX, name), Body: text, ContentType: 'application/json' }),
    );
  }

  /** One PUT: the object appears whole or not at all. */
  async writeText(key: string, text: string): Promise<void> {
    await this.opts.client.send(
      new PutObjectCommand({ Bucket: this.location.bucket, Key: this.key(...lakeKeyParts(key)), Body: text, ContentType: 'application/x-ndjson' }),
    );
  }

  /** Downloads every object under `folders` the cache lacks; the cache mirrors the lake's keys. */
  async mirror(folders: readonly string[]): Promise<string> {
    const lakeRoot = this.key();
    const objects: LakeObject[] = [];
    for (const folder of folders) {
      for (const o of await this.listKeys(`${this.key(...lakeKeyParts(folder))}/`)) {
        objects.push({ path: this.url(o.key), key: o.key.slice(lakeRoot.length).replace(/^\//, ''), size: o.size, mtimeMs: o.mtimeMs });
      }
    }
    await this.localCopies(objects);
    return this.cacheRoot();
  }

  private cacheRoot(): string {
    return join(this.opts.dataDir, S3_CACHE_DIR, this.location.bucket, ...this.key().split('/').filter(Boolean));
  }

  close(): void {
    if (this.opts.ownsClient) this.opts.client.destroy();
  }
}
