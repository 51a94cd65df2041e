/**
 * The composition root of a running livelens server: which Kinesis
 * (streams/kinesis-target.ts: configured, or the data dir's embedded
 * kinesalite, attached or started), the collector with its sinks, extra
 * Hono sub-apps on the same port (the dashboard, live routes) and
 * background services with start/stop (the live reader). `livelens serve`,
 * `livelens demo`, the simulated day, benchmarks and tests all start a
 * server through here.
 *
 * Start order: Kinesis, collector (listening), services in list order.
 * Stop order: services in reverse, collector (draining), Kinesis.
 *
 * @example
 * const s = await startServer({ dataDir: '.livelens', port: 0, routes: [mountApp('/', dashboardApp)], services: [liveReader] });
 * await fetch(`${s.url}/v1/events`, ...);
 * await s.stop();
 */
import type { Env, Hono, Schema } from 'hono';
import { startCollector, type CollectorHandle } from '../collector/node.ts';
import type { AdmissionLimits } from '../collector/middleware/admission/index.ts';
import { createLogger, type Logger } from '../collector/log.ts';
import type { CollectorEnv, RateLimits, WriteKey } from '../collector/types.ts';
import { parseWriteKeys } from '../collector/write-keys.ts';
import { createKinesisClient, ensureStream } from '../streams/embedded-kinesis.ts';
import { resolveKinesisTarget, type KinesisTarget } from '../streams/kinesis-target.ts';
import type { ServerSettings } from './server-settings.ts';

/** Mounts routes on the server's app (one port for collector, dashboard and live routes). */
export type ServerRoutes = (app: Hono<CollectorEnv>) => void;

/** A Hono sub-app served under `path` on the server's port (its routes are prefixed with `path`). */
export function mountApp<E extends Env, S extends Schema, B extends string>(path: string, subApp: Hono<E, S, B>): ServerRoutes {
  return (app) => {
    app.route(path, subApp);
  };
}

/** What a background service may use once the collector listens. */
export interface ServerContext {
  dataDir: string;
  /** `http://host:port` of the server. */
  url: string;
  /** The Kinesis in use (endpoint undefined: AWS's default for the region). */
  kinesis: { endpoint?: string; stream: string };
  writeKeys: WriteKey[];
  log: Logger;
}

/** A process that runs beside the collector for the server's lifetime (e.g. the live reader). */
export interface ServerService {
  /** Names the service in logs and errors. */
  name: string;
  /** Called once the collector listens; a throw stops the server start (already started parts are stopped). */
  start(context: ServerContext): Promise<void> | void;
  /** Called on server stop, in reverse start order, before the collector drains. */
  stop(): Promise<void> | void;
}

/**
 * The server's settings (server-settings.ts; `livelens serve` resolves them
 * from flags and environment) plus what only code passes. Absent settings
 * take the collector's defaults.
 */
export interface ServerOptions extends Partial<ServerSettings> {
  dataDir: string;
  /** First pause between stream probes while the stream is down (default DRAIN_RETRY_MS; tests shorten it). */
  drainRetryMs?: number;
  /** Extra routes and sub-apps on the same port, mounted in order after the collector's. */
  routes?: ServerRoutes[];
  /** Background services started after the collector listens. */
  services?: ServerService[];
  /** Overload shedding bounds beyond the settings (e.g. a benchmark turning shedding off). */
  admission?: Partial<AdmissionLimits>;
  /** More sections of `GET /metrics` (the live view's counters). */
  metrics?: () => Record<string, unknown>;
  log?: Logger;
}

export interface ServerHandle {
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
  /** Stops the services, the collector (draining), then the embedded kinesalite if this server started it. Idempotent. */
  stop(): Promise<void>;
}

/** Starts Kinesis (embedded unless configured), the collector with the extra routes, then the services. */
export async function startServer(options: ServerOptions): Promise<ServerHandle> {
  const log = options.log ?? createLogger();
  // Refuse a bad LIVELENS_WRITE_KEYS before starting anything (throws one clear line).
  if (options.writeKeys !== undefined && options.writeKeys.trim() !== '') parseWriteKeys(options.writeKeys);
  const target = await resolveKinesisTarget({ dataDir: options.dataDir, stream: options.kinesisStream, endpoint: options.kinesisEndpoint });
  const { endpoint, stream } = target.kinesis;
  try {
    await ensureLocalStreams(target, options.deadLetterStream, log);
  } catch (err) {
    await target.release();
    throw err;
  }
  let collector: CollectorHandle;
  try {
    collector = await startCollector({
      dataDir: options.dataDir,
      port: options.port,
      host: options.host,
      writeKeys: options.writeKeys,
      regionHeader: options.regionHeader,
      clientAddressHeader: options.clientAddressHeader,
      rateLimits: rateLimitsOf(options),
      spoolMaxBytes: options.spoolMaxBytes,
      lingerMs: options.lingerMs,
      admission: { maxRequests: options.maxRequestsInFlight, maxBytes: options.maxBytesInFlight, targetLatencyMs: options.targetServiceMs, ...options.admission },
      drainRetryMs: options.drainRetryMs,
      metrics: options.metrics,
      kinesis: { endpoint, stream, deadLetterStream: options.deadLetterStream },
      extraRoutes: (app) => {
        for (const mount of options.routes ?? []) mount(app);
      },
      log,
    });
  } catch (err) {
    await target.release();
    throw err;
  }
  const started: ServerService[] = [];
  const stopServices = async (): Promise<void> => {
    for (const service of started.splice(0).reverse()) {
      try {
        await service.stop();
      } catch (err) {
        log.error({ service: service.name, err: (err as Error).message }, 'service failed to stop');
      }
    }
  };
  const context: ServerContext = { dataDir: options.dataDir, url: collector.url, kinesis: target.kinesis, writeKeys: collector.writeKeys, log };
  for (const service of options.services ?? []) {
    try {
      await service.start(context);
      started.push(service);
    } catch (err) {
      await stopServices();
      await collector.stop();
      await target.release();
      throw new Error(`server service "${service.name}" failed to start: ${(err as Error).message}`, { cause: err });
    }
  }
  let stopping: Promise<void> | null = null;
  return {
    collector,
    url: collector.url,
    writeKey: collector.writeKeys[0]!.key,
    writeKeys: collector.writeKeys,
    kinesisEndpoint: endpoint,
    stream,
    kinesisSource: target.source,
    stop: () =>
      (stopping ??= (async () => {
        await stopServices();
        await collector.stop();
        await target.release();
      })()),
  };
}

/** The rate limits the options set (the collector's defaults fill the rest). */
function rateLimitsOf(o: ServerOptions): Partial<RateLimits> {
  const limits: Partial<RateLimits> = {};
  if (o.keyEventsPerSecond !== undefined) limits.keyEventsPerSecond = o.keyEventsPerSecond;
  if (o.keyBurstEvents !== undefined) limits.keyBurstEvents = o.keyBurstEvents;
  if (o.addressRequestsPerSecond !== undefined) limits.addressRequestsPerSecond = o.addressRequestsPerSecond;
  if (o.addressBurstRequests !== undefined) limits.addressBurstRequests = o.addressBurstRequests;
  return limits;
}

/**
 * A local Kinesis (http endpoint): make sure the event and dead-letter
 * streams exist; a real stream is provisioned by its owner. A configured
 * (or another process's) local Kinesis that does not answer yet is not an
 * error: the sink finds the stream down, spools, and drains once it answers.
 */
async function ensureLocalStreams(target: KinesisTarget, deadLetterStream: string | undefined, log: Logger): Promise<void> {
  const { endpoint, stream } = target.kinesis;
  if (!endpoint?.startsWith('http://')) return;
  const client = createKinesisClient({ endpoint, maxAttempts: 1 });
  try {
    await ensureStream(client, stream);
    if (deadLetterStream) await ensureStream(client, deadLetterStream);
  } catch (err) {
    if (target.source === 'started') throw err;
    log.warn({ endpoint, stream, err: (err as Error).message }, 'Kinesis unreachable at start; spooling until it answers');
  } finally {
    client.destroy();
  }
}
