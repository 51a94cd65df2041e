/**
 * Every setting of livelens, in one typed registry (docs/spec.md §7):
 * each has a flag and an environment variable; the flag wins, then the
 * variable, then the default. A command declares the settings it takes
 * (`addSettingOptions(cmd, NAMES)`), resolves them once
 * (`resolveSettings(NAMES, cmd.optsWithGlobals())`) into a plain typed
 * object, and passes that object down. Nothing reads a setting from
 * `process.env` anywhere else, and nothing writes flags into it.
 *
 * ADDING A SETTING is one entry in SETTINGS below: a camelCase name, then
 * `flag` ('--my-thing <value>'), `variable` ('LIVELENS_MY_THING'), `kind`
 * ('string' | 'integer' | 'choice'), an optional `default` (a number for
 * integers), `min`/`max`/`unit` for integers, `choices` for a choice, an
 * optional `check` for strings (returns what is allowed when the value is
 * wrong), and a one-line `description` for --help. Then add the name to the
 * list of the command (or server) that uses it and read `settings.myThing`:
 * its type follows from the entry (number for integers, the choices'
 * union, `| undefined` without a default).
 *
 * @example
 * const NAMES = ['dataDir', 'port'] as const;
 * addSettingOptions(cmd, NAMES);
 * cmd.action((_opts, command) => { const s = resolveSettings(NAMES, command.optsWithGlobals()); s.port; // number });
 */
import { Option, type Command } from 'commander';
import { MAX_EVENTS_PER_BATCH, MAX_ID_CHARS } from '../contract/limits.ts';
import {
  DEFAULT_ADDRESS_BURST_REQUESTS,
  DEFAULT_ADDRESS_REQUESTS_PER_SECOND,
  DEFAULT_KEY_BURST_EVENTS,
  DEFAULT_KEY_EVENTS_PER_SECOND,
  DEFAULT_LINGER_MS,
  DEFAULT_SPOOL_MAX_BYTES,
  MAX_BYTES_IN_FLIGHT,
  MAX_REQUESTS_IN_FLIGHT,
  TARGET_SERVICE_MS,
} from '../collector/limits.ts';
import { describeInteger, parseInteger } from './parse-integer.ts';
import { DEFAULT_LIVE_WINDOW_S, MAX_LIVE_WINDOW_S, MIN_LIVE_WINDOW_S } from '../live/limits.ts';
import { DEFAULT_ALERT_COOLDOWN_S, DEFAULT_ALERT_MIN_VIEWERS, DEFAULT_ALERT_RULES } from '../live/alerts/rules.ts';
import { checkWebhookUrl } from '../live/alerts/webhook-url.ts';

/** A show id as events carry it (docs/spec.md §2: a string of at most MAX_ID_CHARS). */
function checkShowId(value: string): string | undefined {
  return value.length >= 1 && value.length <= MAX_ID_CHARS ? undefined : `a show id of 1 to ${MAX_ID_CHARS} characters`;
}
import { checkCloudWatchNamespace, DEFAULT_CLOUDWATCH_INTERVAL_S, MAX_CLOUDWATCH_INTERVAL_S } from '../live/cloudwatch/limits.ts';

/** Linger above this would hold events in memory too long (issue 2: at most 100 ms). */
export const MAX_LINGER_MS = 100;
/** Highest TCP port. */
export const MAX_PORT = 65_535;
/** DuckDB worker threads accepted (far above any machine livelens runs on). */
export const MAX_DUCKDB_THREADS = 1_024;
/** Log levels pino knows, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** Query engines. */
export const ENGINE_NAMES = ['duckdb', 'athena'] as const;

export type SettingKind = 'string' | 'integer' | 'choice';

export interface SettingSpec {
  /** Commander flag with its value name, e.g. `--data-dir <dir>`. */
  flag: string;
  /** Environment variable, e.g. `LIVELENS_DATA_DIR`. */
  variable: string;
  kind: SettingKind;
  /** Used when neither flag nor variable is given; a number for integers. Absent: the value is `undefined`. */
  default?: string | number;
  /** Integers: the allowed range (inclusive) and the unit shown in help and errors. */
  min?: number;
  max?: number;
  unit?: string;
  /** Choices: the allowed values. */
  choices?: readonly string[];
  /** Strings: returns what is allowed when `value` is wrong, else undefined. */
  check?: (value: string) => string | undefined;
  /** One line for --help. */
  description: string;
}

const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;
const S3_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^'\s]*)?$/;
const size = (value: string) => (SIZE.test(value) ? undefined : 'a size such as 512MB or 2GB');
const s3Url = (value: string) => (S3_URL.test(value) ? undefined : 'an s3:// URL (s3://bucket/prefix, no quotes or spaces)');

export const SETTINGS = {
  // docs/spec.md §7
  dataDir: { flag: '--data-dir <dir>', variable: 'LIVELENS_DATA_DIR', kind: 'string', default: './.livelens', description: 'lake, spool, checkpoints, embedded Kinesis' },
  port: { flag: '--port <port>', variable: 'LIVELENS_PORT', kind: 'integer', default: 8787, min: 0, max: MAX_PORT, description: 'collector and dashboard port (0: any free port)' },
  host: { flag: '--host <addr>', variable: 'LIVELENS_HOST', kind: 'string', default: '127.0.0.1', description: 'address the collector listens on' },
  writeKeys: { flag: '--write-keys <list>', variable: 'LIVELENS_WRITE_KEYS', kind: 'string', description: 'comma-separated key@retailer[=origin1|origin2] entries (default: a generated demo key)' },
  kinesisStream: { flag: '--kinesis-stream <name>', variable: 'LIVELENS_KINESIS_STREAM', kind: 'string', description: 'a real Kinesis stream; unset means embedded kinesalite' },
  kinesisEndpoint: { flag: '--kinesis-endpoint <url>', variable: 'LIVELENS_KINESIS_ENDPOINT', kind: 'string', description: 'Kinesis endpoint override (a local Kinesis)' },
  regionHeader: { flag: '--region-header <name>', variable: 'LIVELENS_REGION_HEADER', kind: 'string', default: 'cloudfront-viewer-country', description: "trusted header carrying the viewer's country" },
  dashboardTokens: { flag: '--dashboard-tokens <list>', variable: 'LIVELENS_DASHBOARD_TOKENS', kind: 'string', description: 'token=role[:scope] entries: admin, analyst, retailer:<id> (default: a generated admin token)' },
  engine: { flag: '--engine <engine>', variable: 'LIVELENS_ENGINE', kind: 'choice', choices: ENGINE_NAMES, default: 'duckdb', description: 'query engine: duckdb or athena' },
  logLevel: { flag: '--log-level <level>', variable: 'LIVELENS_LOG_LEVEL', kind: 'choice', choices: LOG_LEVELS, default: 'info', description: `log level: ${LOG_LEVELS.join(', ')}` },

  // Collector tuning
  spoolMaxBytes: { flag: '--spool-max-bytes <bytes>', variable: 'LIVELENS_SPOOL_MAX_BYTES', kind: 'integer', default: DEFAULT_SPOOL_MAX_BYTES, min: 0, unit: 'bytes', description: 'bound on the on-disk spool; when full and the stream is down, POSTs get 503' },
  keyEventsPerSecond: { flag: '--rate-key-events-per-s <n>', variable: 'LIVELENS_RATE_KEY_EVENTS_PER_S', kind: 'integer', default: DEFAULT_KEY_EVENTS_PER_SECOND, min: 0, unit: 'events/s', description: 'events per second per write key (0: no limit)' },
  keyBurstEvents: { flag: '--rate-key-burst-events <n>', variable: 'LIVELENS_RATE_KEY_BURST_EVENTS', kind: 'integer', default: DEFAULT_KEY_BURST_EVENTS, min: MAX_EVENTS_PER_BATCH, unit: 'events', description: `burst of events per write key (at least ${MAX_EVENTS_PER_BATCH}, one full batch)` },
  addressRequestsPerSecond: { flag: '--rate-address-requests-per-s <n>', variable: 'LIVELENS_RATE_ADDRESS_REQUESTS_PER_S', kind: 'integer', default: DEFAULT_ADDRESS_REQUESTS_PER_SECOND, min: 0, unit: 'requests/s', description: 'requests per second per client address (0: no limit)' },
  addressBurstRequests: { flag: '--rate-address-burst-requests <n>', variable: 'LIVELENS_RATE_ADDRESS_BURST_REQUESTS', kind: 'integer', default: DEFAULT_ADDRESS_BURST_REQUESTS, min: 1, unit: 'requests', description: 'burst of requests per client address' },
  clientAddressHeader: { flag: '--client-address-header <name>', variable: 'LIVELENS_CLIENT_ADDRESS_HEADER', kind: 'string', description: "trusted header with the viewer's address, for rate limits behind a CDN (unset: the socket address)" },
  deadLetterStream: { flag: '--dead-letter-stream <name>', variable: 'LIVELENS_DEAD_LETTER_STREAM', kind: 'string', description: 'Kinesis stream for dead letters (unset: NDJSON files under <data-dir>/dead-letters/)' },
  lingerMs: { flag: '--kinesis-linger-ms <ms>', variable: 'LIVELENS_KINESIS_LINGER_MS', kind: 'integer', default: DEFAULT_LINGER_MS, min: 0, max: MAX_LINGER_MS, unit: 'ms', description: `how long records wait to fill a PutRecords call (0 to ${MAX_LINGER_MS})` },
  maxRequestsInFlight: { flag: '--max-requests-in-flight <n>', variable: 'LIVELENS_MAX_REQUESTS_IN_FLIGHT', kind: 'integer', default: MAX_REQUESTS_IN_FLIGHT, min: 1, unit: 'batches', description: 'ceiling of the adaptive limit of batches being decoded or written at once; beyond the limit, POSTs get 503 + Retry-After (overload shedding)' },
  targetServiceMs: { flag: '--target-service-ms <ms>', variable: 'LIVELENS_TARGET_SERVICE_MS', kind: 'integer', default: TARGET_SERVICE_MS, min: 1, unit: 'ms', description: 'service time of a batch above which the in-flight limit shrinks (AIMD)' },
  maxBytesInFlight: { flag: '--max-bytes-in-flight <bytes>', variable: 'LIVELENS_MAX_BYTES_IN_FLIGHT', kind: 'integer', default: MAX_BYTES_IN_FLIGHT, min: 1, unit: 'bytes', description: 'body bytes of the batches in flight (a chunked or gzip body counts 1 MiB); beyond, POSTs get 503' },

  // Query engines
  duckdbMemoryLimit: { flag: '--duckdb-memory-limit <size>', variable: 'LIVELENS_DUCKDB_MEMORY_LIMIT', kind: 'string', default: '2GB', check: size, description: 'DuckDB memory_limit, e.g. 512MB (spills to disk beyond it)' },
  duckdbThreads: { flag: '--duckdb-threads <n>', variable: 'LIVELENS_DUCKDB_THREADS', kind: 'integer', min: 1, max: MAX_DUCKDB_THREADS, unit: 'threads', description: 'DuckDB worker threads (default: all cores)' },

  // AWS (the AWS SDK's conventions plus one variable each)
  awsRegion: { flag: '--aws-region <region>', variable: 'AWS_REGION', kind: 'string', description: 'AWS region for Athena, Kinesis and CloudWatch (the AWS SDK convention)' },
  athenaWorkgroup: { flag: '--athena-workgroup <name>', variable: 'LIVELENS_ATHENA_WORKGROUP', kind: 'string', default: 'primary', description: 'Athena workgroup' },
  athenaOutput: { flag: '--athena-output <s3url>', variable: 'LIVELENS_ATHENA_OUTPUT', kind: 'string', check: s3Url, description: 'Athena result location, s3://bucket/prefix (unless the workgroup enforces one)' },
  athenaDatabase: { flag: '--athena-database <name>', variable: 'LIVELENS_ATHENA_DATABASE', kind: 'string', default: 'livelens', description: 'Glue database holding the lake tables and views' },
  athenaCatalog: { flag: '--athena-catalog <name>', variable: 'LIVELENS_ATHENA_CATALOG', kind: 'string', default: 'AwsDataCatalog', description: 'Athena data catalog' },
  // Where the lake is (pipeline/lake/lake-location.ts checks and resolves the pair; default <data dir>/lake)
  lake: { flag: '--lake <location>', variable: 'LIVELENS_LAKE', kind: 'string', description: 'where the lake is: a folder, or s3://bucket/prefix (only the athena engine reads an s3:// lake; default <data dir>/lake)' },
  // Experiment definitions (pipeline/reports/experiment-definitions.ts; default <data dir>/experiments.json if present)
  experiments: { flag: '--experiments <file>', variable: 'LIVELENS_EXPERIMENTS', kind: 'string', description: 'experiment definitions JSON (default: <data dir>/experiments.json if present)' },
  lakeS3: { flag: '--lake-s3 <s3url>', variable: 'LIVELENS_LAKE_S3', kind: 'string', description: 'older name of --lake for an s3:// lake (--lake / LIVELENS_LAKE wins)' },

  // Live view, alerts, CloudWatch (docs/spec.md §8, §9; live/)
  live: { flag: '--live <switch>', variable: 'LIVELENS_LIVE', kind: 'choice', choices: ['on', 'off'], default: 'on', description: 'on or off: run the live view in this serve (its own stream reader, /api/v1/live*, alerts, CloudWatch); off on collector-only instances, which then read nothing from the stream' },
  liveWindowS: { flag: '--live-window-s <s>', variable: 'LIVELENS_LIVE_WINDOW_S', kind: 'integer', default: DEFAULT_LIVE_WINDOW_S, min: MIN_LIVE_WINDOW_S, max: MAX_LIVE_WINDOW_S, unit: 's', description: 'sliding window of the live view and the alerts' },
  alertWebhook: { flag: '--alert-webhook <url>', variable: 'LIVELENS_ALERT_WEBHOOK', kind: 'string', check: checkWebhookUrl, description: 'URL that receives firing and resolved alerts as JSON POSTs (unset: alerts are only logged)' },
  alertRules: { flag: '--alert-rules <list>', variable: 'LIVELENS_ALERT_RULES', kind: 'string', default: DEFAULT_ALERT_RULES, description: 'comma-separated metric>value or metric<value rules over the live group figures' },
  alertMinViewers: { flag: '--alert-min-viewers <n>', variable: 'LIVELENS_ALERT_MIN_VIEWERS', kind: 'integer', default: DEFAULT_ALERT_MIN_VIEWERS, min: 0, unit: 'viewers', description: 'groups with fewer concurrent viewers never fire' },
  alertCooldownS: { flag: '--alert-cooldown-s <s>', variable: 'LIVELENS_ALERT_COOLDOWN_S', kind: 'integer', default: DEFAULT_ALERT_COOLDOWN_S, min: 0, unit: 's', description: 'the same rule and group fires again only this long after its last firing' },
  cloudwatchNamespace: { flag: '--cloudwatch-namespace <ns>', variable: 'LIVELENS_CLOUDWATCH_NAMESPACE', kind: 'string', check: checkCloudWatchNamespace, description: 'CloudWatch namespace for the live metrics (unset: CloudWatch off)' },
  cloudwatchIntervalS: { flag: '--cloudwatch-interval-s <s>', variable: 'LIVELENS_CLOUDWATCH_INTERVAL_S', kind: 'integer', default: DEFAULT_CLOUDWATCH_INTERVAL_S, min: 1, max: MAX_CLOUDWATCH_INTERVAL_S, unit: 's', description: 'how often the live groups are published to CloudWatch' },

  // The demo viewer page (viewer/; `livelens demo` serves it by itself)
  viewerShow: { flag: '--viewer-show <id>', variable: 'LIVELENS_VIEWER_SHOW', kind: 'string', check: checkShowId, description: 'serve the demo viewer page at /viewer (a local ffmpeg test stream with product cards) as this show id, with the first write key (unset: off; needs ffmpeg and amazon-ivs-player)' },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

type ValueOf<S> = S extends { kind: 'integer' } ? number : S extends { choices: readonly (infer C)[] } ? C : string;
/** The resolved type of one setting: number for integers, the choices' union, `| undefined` without a default. */
export type SettingValue<N extends SettingName> = (typeof SETTINGS)[N] extends { default: string | number }
  ? ValueOf<(typeof SETTINGS)[N]>
  : ValueOf<(typeof SETTINGS)[N]> | undefined;
/** Every setting, resolved. */
export type Settings = { [N in SettingName]: SettingValue<N> };
/** The settings of one list of names, resolved. */
export type SettingsOf<L extends readonly SettingName[]> = Pick<Settings, L[number]>;

function spec(name: SettingName): SettingSpec {
  return SETTINGS[name];
}

/** The flag without its value name, e.g. `--data-dir`. */
export function flagName(name: SettingName): string {
  return spec(name).flag.split(' ')[0]!;
}

/** What a setting allows, as shown in help and errors. */
function allowed(s: SettingSpec): string | undefined {
  if (s.kind === 'integer') return describeInteger({ min: s.min ?? 0, max: s.max, unit: s.unit });
  if (s.kind === 'choice') return `one of ${s.choices!.join(', ')}`;
  return undefined;
}

/** Commander option for a setting; its help shows the variable and default. */
export function settingOption(name: SettingName): Option {
  const s = spec(name);
  const def = s.default !== undefined ? `, default ${s.default}${s.kind === 'integer' && s.unit ? ` ${s.unit}` : ''}` : '';
  return new Option(s.flag, `${s.description} (env ${s.variable}${def})`);
}

/** Adds the options of `names` to a command. */
export function addSettingOptions(cmd: Command, names: readonly SettingName[]): Command {
  for (const name of names) cmd.addOption(settingOption(name));
  return cmd;
}

/** The camelCase key commander gives a setting's flag. */
function optionKey(name: SettingName): string {
  return new Option(spec(name).flag).attributeName();
}

/** Flag, else environment variable, else default; checked against its kind, range or check (one-line error naming the flag). */
export function resolveSetting<N extends SettingName>(
  name: N,
  opts: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): SettingValue<N> {
  const s = spec(name);
  const flag = opts[optionKey(name)];
  const fromEnv = env[s.variable];
  let text: string | undefined;
  let variable: string | undefined;
  if (typeof flag === 'string' && flag !== '') text = flag;
  else if (typeof flag === 'number') text = String(flag);
  else if (fromEnv !== undefined && fromEnv !== '') [text, variable] = [fromEnv, s.variable];
  if (text === undefined) return s.default as SettingValue<N>;
  const source = variable ? ` from ${variable}` : '';
  if (s.kind === 'integer') {
    return parseInteger(text, { flag: flagName(name), variable, min: s.min ?? 0, max: s.max, unit: s.unit }) as SettingValue<N>;
  }
  if (s.kind === 'choice' && !s.choices!.includes(text)) {
    throw new Error(`${flagName(name)} must be ${allowed(s)}; got "${text}"${source}`);
  }
  const problem = s.check?.(text);
  if (problem !== undefined) throw new Error(`${flagName(name)} must be ${problem}; got "${text}"${source}`);
  return text as SettingValue<N>;
}

/** Resolves every setting of `names` once, into a plain object to pass down. */
export function resolveSettings<const L extends readonly SettingName[]>(
  names: L,
  opts: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): SettingsOf<L> {
  const out: Partial<Record<SettingName, unknown>> = {};
  for (const name of names) out[name] = resolveSetting(name, opts, env);
  return out as SettingsOf<L>;
}
