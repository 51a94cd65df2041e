/**
 * Athena settings (docs/spec.md §7: the AWS SDK's own conventions plus one
 * variable each, declared in config/settings.ts). Region and credentials
 * come from --aws-region or the SDK's default chain (`AWS_REGION`,
 * `AWS_PROFILE`, instance roles, ...).
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
 * const config = athenaConfigFrom(resolveSettings(ATHENA_SETTINGS, cmd.opts()));
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SETTINGS, type SettingName, type SettingsOf } from '../../config/settings.ts';
import { LAKE_ENV, LAKE_S3_ENV, resolveLakeLocation, type LakeLocation } from '../lake/lake-location.ts';

export interface AthenaConfig {
  /** AWS region; undefined: the AWS SDK's default chain. */
  region?: string;
  workgroup: string;
  outputLocation?: string;
  database: string;
  catalog: string;
  /** s3:// root of the lake (from LIVELENS_LAKE, else LIVELENS_LAKE_S3). */
  lakeS3?: string;
}

/** The settings the Athena engine takes (config/settings.ts). */
export const ATHENA_SETTINGS = ['awsRegion', 'athenaWorkgroup', 'athenaOutput', 'athenaDatabase', 'athenaCatalog', 'lake', 'lakeS3'] as const satisfies readonly SettingName[];

/** The lake location of resolved settings (errors name LIVELENS_LAKE / LIVELENS_LAKE_S3, as its flags do). */
export function lakeLocationFrom(s: { dataDir?: string; lake?: string; lakeS3?: string }): LakeLocation {
  const given: NodeJS.ProcessEnv = {};
  if (s.lake !== undefined) given[LAKE_ENV] = s.lake;
  if (s.lakeS3 !== undefined) given[LAKE_S3_ENV] = s.lakeS3;
  return resolveLakeLocation({ dataDir: s.dataDir ?? '.', env: given });
}

/** The Athena config from resolved settings (already checked by the registry). */
export function athenaConfigFrom(s: SettingsOf<typeof ATHENA_SETTINGS>): AthenaConfig {
  const config: AthenaConfig = { workgroup: s.athenaWorkgroup, database: s.athenaDatabase, catalog: s.athenaCatalog };
  if (s.awsRegion !== undefined) config.region = s.awsRegion;
  if (s.athenaOutput !== undefined) config.outputLocation = `${s.athenaOutput.replace(/\/+$/, '')}/`;
  // LIVELENS_LAKE wins over LIVELENS_LAKE_S3; a folder lake leaves Athena without one.
  const lake = lakeLocationFrom(s);
  if (lake.kind === 's3') config.lakeS3 = lake.url;
  return config;
}

/**
 * Fails early, with what to set, when the AWS SDK would find no region
 * (it would otherwise fail on the first call with only "Region is missing").
 */
export function requireAwsRegion(region: string | undefined, env: NodeJS.ProcessEnv = process.env, home = homedir()): void {
  if (region || env.AWS_REGION || env.AWS_DEFAULT_REGION) return;
  if (existsSync(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'))) return;
  throw new Error(
    'the athena engine needs an AWS region: set AWS_REGION (or --aws-region), plus credentials through the AWS SDK default chain, ' +
      `and the Athena settings ${ATHENA_SETTINGS.filter((n) => n !== 'awsRegion').map((n) => SETTINGS[n].variable).join(', ')} (see README, "Reports and queries")`,
  );
}
