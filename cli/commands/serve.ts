/**
 * `livelens serve` (SPEC section 5): the collector (and, once mounted, the
 * dashboard) on one port. Without LIVELENS_KINESIS_STREAM it starts the
 * embedded kinesalite, persisted under `<data-dir>/kinesis`, and creates the
 * `livelens-events` stream; its endpoint is advertised in
 * `<data-dir>/kinesis/endpoint` for other local processes (ingest).
 * SIGTERM or SIGINT: stop accepting, drain, exit.
 *
 * @example
 * livelens serve --data-dir .livelens --port 8787
 * const s = await startServe({ dataDir: '.livelens', port: 0 }); ...; await s.stop();
 */
import type { Command } from 'commander';
import type { Hono } from 'hono';
import { resolveSetting, settingOption } from '../../config/settings.ts';
import { collectorOptions, resolveCollectorTuning, type CollectorTuning } from '../../collector/config.ts';
import { startCollector, type CollectorHandle } from '../../collector/node.ts';
import { createLogger, type Logger } from '../../collector/log.ts';
import type { CollectorEnv, WriteKey } from '../../collector/types.ts';
import { parseWriteKeys } from '../../collector/write-keys.ts';
import { createKinesisClient, ensureStream } from '../../streams/embedded-kinesis.ts';
import { resolveKinesisTarget, type KinesisTarget } from '../../pipeline/ingest/kinesis-target.ts';

export interface ServeSettings extends Partial<CollectorTuning> {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  writeKeys?: string;
  /** A real stream; unset starts embedded kinesalite (unless kinesisEndpoint is set). */
  kinesisStream?: string;
  kinesisEndpoint?: string;
  regionHeader?: string;
  /** First pause between stream probes while the stream is down (default DRAIN_RETRY_MS; tests shorten it). */
  drainRetryMs?: number;
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
  /** `configured` stream/endpoint, `attached` to another process's embedded kinesalite, or `started` here. */
  kinesisSource: KinesisTarget['source'];
  /** Stops the collector (draining), then the embedded kinesalite if serve started it. */
  stop(): Promise<void>;
}

/**
 * Starts Kinesis (embedded unless configured) and the collector. The
 * embedded kinesalite is found or started the same way `livelens ingest`
 * does (pipeline/ingest/kinesis-target.ts): attach to the endpoint another
 * process advertises in `<data-dir>/kinesis/endpoint`, else start it there.
 */
export async function startServe(settings: ServeSettings): Promise<ServeHandle> {
  const log = settings.log ?? createLogger();
  // Refuse a bad LIVELENS_WRITE_KEYS before starting anything (throws one clear line).
  if (settings.writeKeys !== undefined && settings.writeKeys.trim() !== '') parseWriteKeys(settings.writeKeys);
  const target = await resolveKinesisTarget({ dataDir: settings.dataDir, stream: settings.kinesisStream, endpoint: settings.kinesisEndpoint });
  const { endpoint, stream } = target.kinesis;
  if (endpoint?.startsWith('http://')) {
    // A local Kinesis: make sure the streams exist (a real stream is provisioned by its owner).
    const client = createKinesisClient({ endpoint, maxAttempts: 1 });
    try {
      await ensureStream(client, stream);
      if (settings.deadLetterStream) await ensureStream(client, settings.deadLetterStream);
    } catch (err) {
      if (target.source === 'started') {
        await target.release();
        throw err;
      }
      // A configured (or another process's) Kinesis that does not answer yet: start anyway.
      // The sink finds the stream down, spools, and drains once a probe finds the stream.
      log.warn({ endpoint, stream, err: (err as Error).message }, 'Kinesis unreachable at start; spooling until it answers');
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
      drainRetryMs: settings.drainRetryMs,
      extraRoutes: settings.extraRoutes,
      log,
    });
  } catch (err) {
    await target.release();
    throw err;
  }
  return {
    collector,
    url: collector.url,
    writeKey: collector.writeKeys[0]!.key,
    writeKeys: collector.writeKeys,
    kinesisEndpoint: endpoint,
    stream,
    kinesisSource: target.source,
    stop: async () => {
      await collector.stop();
      await target.release();
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
    .description('run the collector (POST /v1/events); starts embedded Kinesis unless a stream is configured');
  for (const name of ['dataDir', 'port', 'host', 'writeKeys', 'kinesisStream', 'kinesisEndpoint', 'regionHeader'] as const) {
    cmd.addOption(settingOption(name));
  }
  for (const option of collectorOptions()) cmd.addOption(option);
  cmd.action(async (opts: Record<string, unknown>) => {
    const s = await startServe(serveSettingsFrom(opts));
    process.stdout.write(`livelens collector listening on ${s.url} (POST ${s.url}/v1/events)\n`);
    process.stdout.write(`kinesis: ${s.kinesisEndpoint ?? 'AWS'} (${s.kinesisSource}), stream ${s.stream}\n`);
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
