/**
 * Configuration (SPEC section 7). Every setting has an environment variable
 * and a flag; flags win. Commands declare the flags they use with
 * `settingOption` and read the merged value with `resolveSetting`.
 *
 * @example
 * cmd.addOption(settingOption('dataDir'));
 * const dir = resolveSetting('dataDir', cmd.opts());
 */
import { Option } from 'commander';

export interface SettingSpec {
  env: string;
  flag: string;
  description: string;
  default?: string;
}

export const SETTINGS = {
  dataDir: { env: 'LIVELENS_DATA_DIR', flag: '--data-dir <dir>', description: 'lake, spool, checkpoints, embedded Kinesis', default: './.livelens' },
  port: { env: 'LIVELENS_PORT', flag: '--port <port>', description: 'collector and dashboard port', default: '8787' },
  host: { env: 'LIVELENS_HOST', flag: '--host <addr>', description: 'address the collector listens on', default: '127.0.0.1' },
  writeKeys: { env: 'LIVELENS_WRITE_KEYS', flag: '--write-keys <list>', description: 'comma-separated key@retailer[=origin1|origin2] entries (default: a generated demo key)' },
  kinesisStream: { env: 'LIVELENS_KINESIS_STREAM', flag: '--kinesis-stream <name>', description: 'a real Kinesis stream; unset means embedded kinesalite' },
  kinesisEndpoint: { env: 'LIVELENS_KINESIS_ENDPOINT', flag: '--kinesis-endpoint <url>', description: 'Kinesis endpoint override (a local Kinesis)' },
  regionHeader: { env: 'LIVELENS_REGION_HEADER', flag: '--region-header <name>', description: "trusted header carrying the viewer's country", default: 'cloudfront-viewer-country' },
  dashboardTokens: { env: 'LIVELENS_DASHBOARD_TOKENS', flag: '--dashboard-tokens <list>', description: 'token=role[:scope] entries: admin, analyst, retailer:<id> (default: a generated admin token)' },
  engine: { env: 'LIVELENS_ENGINE', flag: '--engine <engine>', description: 'query engine: duckdb or athena', default: 'duckdb' },
  logLevel: { env: 'LIVELENS_LOG_LEVEL', flag: '--log-level <level>', description: 'log level: fatal, error, warn, info, debug, trace, silent', default: 'info' },
  duckdbMemoryLimit: { env: 'LIVELENS_DUCKDB_MEMORY_LIMIT', flag: '--duckdb-memory-limit <size>', description: 'DuckDB memory_limit, e.g. 512MB (spills to disk beyond it)', default: '2GB' },
  duckdbThreads: { env: 'LIVELENS_DUCKDB_THREADS', flag: '--duckdb-threads <n>', description: 'DuckDB worker threads (default: all cores)' },
  awsRegion: { env: 'AWS_REGION', flag: '--aws-region <region>', description: 'AWS region for Athena, Kinesis and CloudWatch (the AWS SDK convention)' },
  athenaWorkgroup: { env: 'LIVELENS_ATHENA_WORKGROUP', flag: '--athena-workgroup <name>', description: 'Athena workgroup', default: 'primary' },
  athenaOutput: { env: 'LIVELENS_ATHENA_OUTPUT', flag: '--athena-output <s3url>', description: 'Athena result location, s3://bucket/prefix (unless the workgroup enforces one)' },
  athenaDatabase: { env: 'LIVELENS_ATHENA_DATABASE', flag: '--athena-database <name>', description: 'Glue database holding the lake tables and views', default: 'livelens' },
  athenaCatalog: { env: 'LIVELENS_ATHENA_CATALOG', flag: '--athena-catalog <name>', description: 'Athena data catalog', default: 'AwsDataCatalog' },
  lake: { env: 'LIVELENS_LAKE', flag: '--lake <location>', description: 'where the lake is: a folder, or s3://bucket/prefix (only the athena engine reads an s3:// lake)', default: '<data dir>/lake' },
  lakeS3: { env: 'LIVELENS_LAKE_S3', flag: '--lake-s3 <s3url>', description: 'older name of --lake for an s3:// lake (--lake / LIVELENS_LAKE wins)' },
} satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

/** Commander option for a setting; its help shows the variable and default. */
export function settingOption(name: SettingName): Option {
  const s: SettingSpec = SETTINGS[name];
  const def = s.default !== undefined ? `, default ${s.default}` : '';
  return new Option(s.flag, `${s.description} (env ${s.env}${def})`);
}

/** The camelCase key commander gives a setting's flag. */
function optionKey(name: SettingName): string {
  return new Option(SETTINGS[name].flag).attributeName();
}

/**
 * Copies every setting given as a flag on the running command into this
 * process's environment, so that modules which read their settings from the
 * environment (engines, logger, the AWS SDK) see the flag: flags win.
 */
export function applySettingFlags(opts: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): void {
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const value = opts[optionKey(name)];
    if (typeof value === 'string' && value !== '') env[SETTINGS[name].env] = value;
  }
}

/** Flag value, else environment variable, else default. */
export function resolveSetting(
  name: SettingName,
  opts: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const s: SettingSpec = SETTINGS[name];
  const flag = opts[optionKey(name)];
  if (typeof flag === 'string' && flag !== '') return flag;
  const fromEnv = env[s.env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return s.default;
}
