/**
 * The collector's own settings (beyond SPEC section 7's shared ones in
 * config/settings.ts): spool bound, rate limits, dead-letter stream,
 * linger and a trusted client-address header. Same rules: an environment
 * variable and a flag each, flags win.
 *
 * @example
 * for (const o of collectorOptions()) cmd.addOption(o);
 * const tuning = resolveCollectorTuning(cmd.opts());
 */
import { Option } from 'commander';
import { MAX_EVENTS_PER_BATCH } from '../contract/limits.ts';
import type { SettingSpec } from '../config/settings.ts';
import {
  DEFAULT_ADDRESS_BURST_REQUESTS,
  DEFAULT_ADDRESS_REQUESTS_PER_SECOND,
  DEFAULT_KEY_BURST_EVENTS,
  DEFAULT_KEY_EVENTS_PER_SECOND,
  DEFAULT_LINGER_MS,
  DEFAULT_SPOOL_MAX_BYTES,
} from './limits.ts';
import type { RateLimits } from './types.ts';

/** Linger above this would hold events in memory too long (issue 2: at most 100 ms). */
export const MAX_LINGER_MS = 100;

export const COLLECTOR_SETTINGS = {
  spoolMaxBytes: { env: 'LIVELENS_SPOOL_MAX_BYTES', flag: '--spool-max-bytes <bytes>', description: 'bound on the on-disk spool; when full and the stream is down, POSTs get 503', default: String(DEFAULT_SPOOL_MAX_BYTES) },
  keyEventsPerSecond: { env: 'LIVELENS_RATE_KEY_EVENTS_PER_S', flag: '--rate-key-events-per-s <n>', description: 'events per second per write key (0: no limit)', default: String(DEFAULT_KEY_EVENTS_PER_SECOND) },
  keyBurstEvents: { env: 'LIVELENS_RATE_KEY_BURST_EVENTS', flag: '--rate-key-burst-events <n>', description: `burst of events per write key (at least ${MAX_EVENTS_PER_BATCH})`, default: String(DEFAULT_KEY_BURST_EVENTS) },
  addressRequestsPerSecond: { env: 'LIVELENS_RATE_ADDRESS_REQUESTS_PER_S', flag: '--rate-address-requests-per-s <n>', description: 'requests per second per client address (0: no limit)', default: String(DEFAULT_ADDRESS_REQUESTS_PER_SECOND) },
  addressBurstRequests: { env: 'LIVELENS_RATE_ADDRESS_BURST_REQUESTS', flag: '--rate-address-burst-requests <n>', description: 'burst of requests per client address', default: String(DEFAULT_ADDRESS_BURST_REQUESTS) },
  clientAddressHeader: { env: 'LIVELENS_CLIENT_ADDRESS_HEADER', flag: '--client-address-header <name>', description: "trusted header with the viewer's address, for rate limits behind a CDN (unset: the socket address)" },
  deadLetterStream: { env: 'LIVELENS_DEAD_LETTER_STREAM', flag: '--dead-letter-stream <name>', description: 'Kinesis stream for dead letters (unset: NDJSON files under <data-dir>/dead-letters/)' },
  lingerMs: { env: 'LIVELENS_KINESIS_LINGER_MS', flag: '--kinesis-linger-ms <ms>', description: `how long records wait to fill a PutRecords call (0 to ${MAX_LINGER_MS})`, default: String(DEFAULT_LINGER_MS) },
} satisfies Record<string, SettingSpec>;

export type CollectorSettingName = keyof typeof COLLECTOR_SETTINGS;

export interface CollectorTuning {
  spoolMaxBytes: number;
  rateLimits: RateLimits;
  clientAddressHeader?: string;
  deadLetterStream?: string;
  lingerMs: number;
}

/** Commander options for every collector setting. */
export function collectorOptions(): Option[] {
  return Object.values(COLLECTOR_SETTINGS).map((s: SettingSpec) => {
    const def = s.default !== undefined ? `, default ${s.default}` : '';
    return new Option(s.flag, `${s.description} (env ${s.env}${def})`);
  });
}

function raw(name: CollectorSettingName, opts: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  const s: SettingSpec = COLLECTOR_SETTINGS[name];
  const flag = opts[new Option(s.flag).attributeName()];
  if (typeof flag === 'string' && flag !== '') return flag;
  const fromEnv = env[s.env];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : s.default;
}

function integer(name: CollectorSettingName, opts: Record<string, unknown>, env: NodeJS.ProcessEnv, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw(name, opts, env) ?? '';
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    const s = COLLECTOR_SETTINGS[name];
    throw new Error(`${s.env} / ${s.flag.split(' ')[0]} is "${text}": expected an integer from ${min} to ${max}`);
  }
  return n;
}

/** Reads and checks every collector setting (flag, else env, else default). */
export function resolveCollectorTuning(opts: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = process.env): CollectorTuning {
  return {
    spoolMaxBytes: integer('spoolMaxBytes', opts, env, 0),
    rateLimits: {
      keyEventsPerSecond: integer('keyEventsPerSecond', opts, env, 0),
      keyBurstEvents: integer('keyBurstEvents', opts, env, MAX_EVENTS_PER_BATCH),
      addressRequestsPerSecond: integer('addressRequestsPerSecond', opts, env, 0),
      addressBurstRequests: integer('addressBurstRequests', opts, env, 1),
    },
    clientAddressHeader: raw('clientAddressHeader', opts, env),
    deadLetterStream: raw('deadLetterStream', opts, env),
    lingerMs: integer('lingerMs', opts, env, 0, MAX_LINGER_MS),
  };
}
