import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseLakeLocation, parseS3Url, requireLocalLake, resolveLakeLocation } from './lake-location.ts';

describe('lake location (docs/spec.md §7)', () => {
  it('LIVELENS_LAKE wins over LIVELENS_LAKE_S3, flags over variables; default <data dir>/lake', () => {
    expect(resolveLakeLocation({ dataDir: '/d', env: {} })).toEqual({ kind: 'local', dir: resolve('/d/lake'), setting: 'default' });
    expect(resolveLakeLocation({ dataDir: '/d', env: { LIVELENS_LAKE_S3: 's3://old/p' } })).toMatchObject({ kind: 's3', bucket: 'old', prefix: 'p', setting: 'LIVELENS_LAKE_S3' });
    expect(resolveLakeLocation({ dataDir: '/d', env: { LIVELENS_LAKE: '/srv/lake', LIVELENS_LAKE_S3: 's3://old/p' } })).toMatchObject({ kind: 'local', dir: '/srv/lake', setting: 'LIVELENS_LAKE' });
    expect(resolveLakeLocation({ dataDir: '/d', lake: 's3://flag-lake/x', env: { LIVELENS_LAKE: '/srv/lake' } })).toMatchObject({ kind: 's3', bucket: 'flag-lake', setting: '--lake' });
    expect(resolveLakeLocation({ dataDir: '/d', lakeS3: 's3://flag-lake/y', env: { LIVELENS_LAKE_S3: 's3://old/p' } })).toMatchObject({ bucket: 'flag-lake', prefix: 'y', setting: '--lake-s3' });
  });

  it('parses s3:// URLs: bucket rules, prefix without slashes at either end, the bucket root', () => {
    expect(parseS3Url('s3://acme-lake.eu/a/b/', 'X')).toEqual({ kind: 's3', bucket: 'acme-lake.eu', prefix: 'a/b', url: 's3://acme-lake.eu/a/b' });
    expect(parseS3Url('s3://acme-lake', 'X')).toEqual({ kind: 's3', bucket: 'acme-lake', prefix: '', url: 's3://acme-lake' });
    for (const bad of ['s3://A_bucket/x', 's3://ab', "s3://bucket/it's", 's3://bucket/a b', 's3://']) {
      expect(() => parseS3Url(bad, 'LIVELENS_LAKE'), bad).toThrow(/^LIVELENS_LAKE=".*" is not an s3:\/\/ URL: use s3:\/\/bucket\/prefix/);
    }
    expect(() => parseLakeLocation('https://example.com/lake', 'LIVELENS_LAKE')).toThrow(/neither a folder nor an s3:\/\/ URL/);
    // LIVELENS_LAKE_S3 must be an s3:// URL: it is the S3 name.
    expect(() => resolveLakeLocation({ dataDir: '/d', env: { LIVELENS_LAKE_S3: '/srv/lake' } })).toThrow(/LIVELENS_LAKE_S3="\/srv\/lake" is not an s3:\/\/ URL/);
  });

  it('duckdb reads a folder lake and refuses an s3:// one naming both settings', () => {
    expect(requireLocalLake(parseLakeLocation('/srv/lake', 'LIVELENS_LAKE'))).toBe('/srv/lake');
    expect(() => requireLocalLake(parseLakeLocation('s3://acme/lake', 'LIVELENS_LAKE_S3'))).toThrow(
      'the duckdb engine reads a local lake only, but LIVELENS_LAKE_S3 is s3://acme/lake: use --engine athena (LIVELENS_ENGINE=athena) for an s3:// lake, or set LIVELENS_LAKE (or the older LIVELENS_LAKE_S3) to a folder / unset it',
    );
  });
});
