/**
 * Where the lake is (docs/spec.md §7): `LIVELENS_LAKE` is a folder or
 * `s3://bucket/prefix`; `LIVELENS_LAKE_S3` is its older name for the S3
 * case, and `LIVELENS_LAKE` wins when both are set. Default: `<data dir>/lake`.
 * The folder or prefix holds `events/`, `orders/` and `dead_letters/`, each
 * in Hive partitions `dt=YYYY-MM-DD/`.
 *
 * @example
 * resolveLakeLocation({ dataDir: '.livelens', env: { LIVELENS_LAKE: 's3://acme-lake/livelens' } })
 * // { kind: 's3', bucket: 'acme-lake', prefix: 'livelens', url: 's3://acme-lake/livelens', setting: 'LIVELENS_LAKE' }
 */
import { join, resolve } from 'node:path';
import { LAKE_DIR } from '../../contract/lake.ts';

export const LAKE_ENV = 'LIVELENS_LAKE';
/** Older name of LIVELENS_LAKE for an s3:// lake. */
export const LAKE_S3_ENV = 'LIVELENS_LAKE_S3';

export interface LocalLake {
  kind: 'local';
  /** Absolute folder of the lake. */
  dir: string;
}

export interface S3Lake {
  kind: 's3';
  bucket: string;
  /** Key prefix without leading or trailing `/` ('' for the bucket's root). */
  prefix: string;
  /** `s3://bucket/prefix` without a trailing `/`. */
  url: string;
}

export type LakeLocation = (LocalLake | S3Lake) & {
  /** The variable (or flag) it came from; `default` for `<data dir>/lake`. */
  setting: string;
};

/** S3 bucket naming rules (3-63 chars, lowercase, digits, dots, hyphens); the prefix has no quotes, spaces or backslashes. */
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/[^'"\s\\]*)?$/;

/** Parses an `s3://bucket/prefix` URL; the error names the setting and the allowed form. */
export function parseS3Url(value: string, setting: string): S3Lake {
  const m = S3_URL.exec(value);
  if (!m) {
    throw new Error(`${setting}="${value}" is not an s3:// URL: use s3://bucket/prefix (bucket 3-63 lowercase letters, digits, dots or hyphens; no quotes or spaces)`);
  }
  const bucket = m[1]!;
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { kind: 's3', bucket, prefix, url: `s3://${bucket}${prefix ? `/${prefix}` : ''}` };
}

/** A folder or s3:// URL as a lake location. */
export function parseLakeLocation(value: string, setting: string): LakeLocation {
  if (value.startsWith('s3://') || value.startsWith('S3://')) return { ...parseS3Url(value, setting), setting };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new Error(`${setting}="${value}" is neither a folder nor an s3:// URL (only s3:// is supported as a remote lake)`);
  }
  return { kind: 'local', dir: resolve(value), setting };
}

export interface ResolveLakeOptions {
  dataDir: string;
  /** `--lake` flag value, if given (wins over the environment). */
  lake?: string;
  /** `--lake-s3` flag value, if given. */
  lakeS3?: string;
  env?: NodeJS.ProcessEnv;
}

/** LIVELENS_LAKE (flag, then variable), else LIVELENS_LAKE_S3 (which must be s3://), else `<data dir>/lake`. */
export function resolveLakeLocation(opts: ResolveLakeOptions): LakeLocation {
  const env = opts.env ?? process.env;
  const lake = opts.lake || env[LAKE_ENV];
  if (lake) return parseLakeLocation(lake, opts.lake ? '--lake' : LAKE_ENV);
  const lakeS3 = opts.lakeS3 || env[LAKE_S3_ENV];
  if (lakeS3) return { ...parseS3Url(lakeS3, opts.lakeS3 ? '--lake-s3' : LAKE_S3_ENV), setting: opts.lakeS3 ? '--lake-s3' : LAKE_S3_ENV };
  return { kind: 'local', dir: resolve(join(opts.dataDir, LAKE_DIR)), setting: 'default' };
}

/** Display form: the folder, or the s3:// URL. */
export function lakeUrl(location: LakeLocation): string {
  return location.kind === 's3' ? location.url : location.dir;
}

/** The local lake folder for DuckDB; an s3:// lake is refused naming both settings (docs/spec.md §7). */
export function requireLocalLake(location: LakeLocation): string {
  if (location.kind === 'local') return location.dir;
  throw new Error(
    `the duckdb engine reads a local lake only, but ${location.setting} is ${location.url}: ` +
      `use --engine athena (LIVELENS_ENGINE=athena) for an s3:// lake, or set ${LAKE_ENV} (or the older ${LAKE_S3_ENV}) to a folder / unset it`,
  );
}
