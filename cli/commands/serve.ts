/**
 * `livelens serve` (SPEC section 5): the collector (and, once mounted, the
 * dashboard) on one port. Without LIVELENS_KINESIS_STREAM it starts the
 * embedded kinesalite, persisted under `<data-dir>/kinesis`, and creates the
 * `livelens-events` stream; its endpoint is written to
 * `<data-dir>/kinesis/endpoint` for other local processes (ingest).
 * SIGTERM or SIGINT: stop accepting, drain, exit.
 *
 * @example
 * livelens serve --data-dir .livelens --port 8787
 * const s = await startServe({ dataDir: '.livelens', port: 0 }); ...; await s.stop();
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Hono } from 'hono';
import { resolveSetting, settingOption } from '../../config/settings.ts';
import { collectorOptions, resolveCollectorTuning, type CollectorTuning } from '../../collector/config.ts';
import { startCollector, type CollectorHandle } from '../../collector/node.ts';
import { createLogger, type Logger } from '../../collector/log.ts';
import type { CollectorEnv, WriteKey } from '../../collector/types.ts';
import { createKinesisClient, EMBEDDED_STREAM_NAME, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from '../../streams/embedded-kinesis.ts';

/** Folder of the embedded kinesalite under the data dir, and the file naming its endpoint. */
export const EMBEDDED_KINESIS_DIR = 'kinesis';
export const EMBEDDED_ENDPOINT_FILE = 'endpoint';

export interface ServeSettings extends Partial<CollectorTuning> {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  writeKeys?: string;
  /** A real stream; unset starts embedded kinesalite (unless kinesisEndpoint is set). */
  kinesisStream?: string;
  kinesisEndpoint?: string;
  /** Port of the embedded kinesalite (0: a free one). */
  embeddedKinesisPort?: number;
  regionHeader?: string;
  extraRoutes?: (app: Hono<CollectorEnv>) => void;
  log?: Logger;
}

export interface ServeHandle {
  collector: CollectorHandle;
  /** `http://127.0.0.1:port` of the collector. */
  url: string;
  /** The first write key (the generated demo key when none was configured). */
  writeKey: string;
  writeKeys: WriteKey[];
  /** Endpoint of the Kinesis in use (undefined: AWS's default for the region). */
  kinesisEndpoint: string | undefined;
  stream: string;
  /** Set when serve started kinesalite itself. */
  embeddedKinesis?: EmbeddedKinesis;
  /** Stops the collector (draining), then the embedded kinesalite. */
  stop(): Promise<void>;
}

/** Starts Kinesis (embedded unless configured) and the collector. */
export async function startServe(settings: ServeSettings): Promise<ServeHandle> {
  const log = settings.log ?? createLogger();
  let embedded: EmbeddedKinesis | undefined;
  let endpoint = settings.kinesisEndpoint;
  const stream = settings.kinesisStream ?? EMBEDDED_STREAM_NAME;
  if (settings.kinesisStream === undefined && endpoint === undefined) {
    const dir = join(settings.dataDir, EMBEDDED_KINESIS_DIR);
    embedded = await startEmbeddedKinesis({ dir, port: settings.embeddedKinesisPort ?? 0 });
    endpoint = embedded.endpoint;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, EMBEDDED_ENDPOINT_FILE), endpoint + '\n');
  }
  if (endpoint?.startsWith('http://')) {
    // A local Kinesis: make sure the streams exist (a real stream is provisioned by its owner).
    const client = createKinesisClient({ endpoint });
    try {
      await ensureStream(client, stream);
      if (settings.deadLetterStream) await ensureStream(client, settings.deadLetterStream);
    } finally {
      client.destroy();
    }
  }
  let collector: CollectorHandle;
  try {
    collector = await startCollector({
      dataDir: settings.dataDir,
      port: settings.port,
      host: settings.host,
      writeKeys: settings.writeKeys,
      kinesis: { endpoint, stream, deadLetterStream: settings.deadLetterStream },
      regionHeader: settings.regionHeader,
      clientAddressHeader: settings.clientAddressHeader,
      rateLimits: settings.rateLimits,
      spoolMaxBytes: settings.spoolMaxBytes,
      lingerMs: settings.lingerMs,
      extraRoutes: settings.extraRoutes,
      log,
    });
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    collector,
    url: collector.url,
    writeKey: collector.writeKeys[0]!.key,
    writeKeys: collector.writeKeys,
    kinesisEndpoint: endpoint,
    stream,
    embeddedKinesis: embedded,
    stop: async () => {
      await collector.stop();
      await embedded?.stop();
    },
  };
}

/** Reads serve's settings from flags and environment (SPEC section 7). */
export function serveSettingsFrom(opts: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ServeSettings {
  const port = Number(resolveSetting('port', opts, env));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`LIVELENS_PORT / --port is "${resolveSetting('port', opts, env)}": expected a port from 0 to 65535`);
  }
  return {
    dataDir: resolveSetting('dataDir', opts, env)!,
    port,
    host: resolveSetting('host', opts, env),
    writeKeys: resolveSetting('writeKeys', opts, env),
    kinesisStream: resolveSetting('kinesisStream', opts, env),
    kinesisEndpoint: resolveSetting('kinesisEndpoint', opts, env),
    regionHeader: resolveSetting('regionHeader', opts, env),
    ...resolveCollectorTuning(opts, env),
  };
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run the collector (POST /v1/events) and dashboard; starts embedded Kinesis unless a stream is configured');
  for (const name of ['dataDir', 'port', 'host', 'writeKeys', 'kinesisStream', 'kinesisEndpoint', 'regionHeader'] as const) {
    cmd.addOption(settingOption(name));
  }
  for (const option of collectorOptions()) cmd.addOption(option);
  cmd.action(async (opts: Record<string, unknown>) => {
    const s = await startServe(serveSettingsFrom(opts));
    process.stdout.write(`livelens collector listening on ${s.url} (POST ${s.url}/v1/events)\n`);
    process.stdout.write(`kinesis: ${s.embeddedKinesis ? `embedded at ${s.kinesisEndpoint}` : s.kinesisEndpoint ?? 'AWS'}, stream ${s.stream}\n`);
    if (s.collector.generatedKey) process.stdout.write(`demo write key (retailer "default"): ${s.writeKey}\n`);
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`${signal}: draining and stopping\n`);
      s.stop().then(
        () => process.exit(0),
        (err: Error) => {
          process.stderr.write(`stop failed: ${err.message}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
}
