/**
 * Athena settings (SPEC section 7: the AWS SDK's own conventions plus one
 * variable each). Region and credentials come from the SDK's default chain
 * (`AWS_REGION`, `AWS_PROFILE`, instance roles, ...).
 *
 * | variable                   | meaning                                         | default          |
 * |----------------------------|-------------------------------------------------|------------------|
 * | LIVELENS_ATHENA_WORKGROUP  | workgroup queries run in                        | `primary`        |
 * | LIVELENS_ATHENA_OUTPUT     | s3:// result location (unless the workgroup enforces one) | unset  |
 * | LIVELENS_ATHENA_DATABASE   | Glue database holding lake_events/lake_orders and the views | `livelens` |
 * | LIVELENS_ATHENA_CATALOG    | data catalog                                    | `AwsDataCatalog` |
 * | LIVELENS_LAKE              | the lake: a folder, or s3://bucket/prefix (Athena needs s3://) | `<data dir>/lake` |
 * | LIVELENS_LAKE_S3           | older name of LIVELENS_LAKE for an s3:// lake (LIVELENS_LAKE wins) | unset |
 *
 * @example
 * const config = athenaConfigFromEnv(process.env);
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LAKE_ENV, LAKE_S3_ENV, resolveLakeLocation } from '../lake/lake-location.ts';

export interface AthenaConfig {
  workgroup: string;
  outputLocation?: string;
  database: string;
  catalog: string;
  /** s3:// root of the lake (from LIVELENS_LAKE, else LIVELENS_LAKE_S3). */
  lakeS3?: string;
}

export const ATHENA_ENV = {
  workgroup: 'LIVELENS_ATHENA_WORKGROUP',
  outputLocation: 'LIVELENS_ATHENA_OUTPUT',
  database: 'LIVELENS_ATHENA_DATABASE',
  catalog: 'LIVELENS_ATHENA_CATALOG',
  lake: LAKE_ENV,
  lakeS3: LAKE_S3_ENV,
} as const;

function s3Url(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^'\s]*)?$/.test(value)) {
    throw new Error(`${name}="${value}" is not an s3:// URL (s3://bucket/prefix, no quotes or spaces)`);
  }
  return value.replace(/\/+$/, '');
}

/** Reads the Athena settings from the environment. */
export function athenaConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AthenaConfig {
  const config: AthenaConfig = {
    workgroup: env[ATHENA_ENV.workgroup] || 'primary',
    database: env[ATHENA_ENV.database] || 'livelens',
    catalog: env[ATHENA_ENV.catalog] || 'AwsDataCatalog',
  };
  const output = s3Url(ATHENA_ENV.outputLocation, env[ATHENA_ENV.outputLocation]);
  if (output !== undefined) config.outputLocation = `${output}/`;
  // LIVELENS_LAKE wins over LIVELENS_LAKE_S3; a folder lake leaves Athena without one.
  const lake = resolveLakeLocation({ dataDir: '.', env });
  if (lake.kind === 's3') config.lakeS3 = lake.url;
  return config;
}

/**
 * Fails early, with what to set, when the AWS SDK would find no region
 * (it would otherwise fail on the first call with only "Region is missing").
 */
export function requireAwsRegion(env: NodeJS.ProcessEnv = process.env, home = homedir()): void {
  if (env.AWS_REGION || env.AWS_DEFAULT_REGION) return;
  if (existsSync(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'))) return;
  throw new Error(
    'the athena engine needs an AWS region: set AWS_REGION (or --aws-region), plus credentials through the AWS SDK default chain, ' +
      `and the Athena settings ${Object.values(ATHENA_ENV).join(', ')} (see README, "Reports and queries")`,
  );
}
