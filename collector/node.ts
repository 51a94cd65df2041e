/**
 * Runs the collector on Node: the only file that knows @hono/node-server.
 * It wires the real parts (Kinesis writer, spool, dead letters, socket
 * address) into the Hono app and serves it; it does not start a Kinesis
 * (server/start-server.ts does, for the embedded default).
 *
 * @example
 * const c = await startCollector({ dataDir: '.livelens', port: 0, kinesis: { endpoint, stream: 'livelens-events' } });
 * await fetch(`${c.url}/v1/events`, { method: 'POST', headers: { 'x-write-key': c.writeKeys[0]!.key, ... }, body });
 * await c.stop();
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Hono } from 'hono';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../streams/kinesis-client.ts';
import { EMBEDDED_STREAM_NAME } from '../streams/embedded-kinesis.ts';
import { createCollectorApp, DEFAULT_RATE_LIMITS } from './app.ts';
import { Counters } from './counters.ts';
import { DEFAULT_LINGER_MS, DEFAULT_SPOOL_MAX_BYTES } from './limits.ts';
import { limitConnectionsPerAddress } from './connection-limit.ts';
import { refuseWhenFull } from './early-refusal.ts';
import { lingerAfterResponse } from './linger.ts';
import { InFlight, type AdmissionLimits } from './middleware/admission/index.ts';
import { keysByValue } from './middleware/auth/index.ts';
import { createLogger, type Logger } from './log.ts';
import { DEAD_LETTERS_DIR, SPOOL_DIR } from '../contract/data-dir.ts';
import { FileDeadLetters } from './sinks/dead-letters/index.ts';
import { DurableSink } from './sinks/durable/index.ts';
import { KinesisWriter } from './sinks/kinesis/index.ts';
import type { ClientAddress, CollectorEnv, EventSink, RateLimits, WriteKey } from './types.ts';
import { generateDemoKey, parseWriteKeys } from './write-keys.ts';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
/** Longest wait for open requests to finish on stop before their connections are cut. */
export const STOP_REQUESTS_TIMEOUT_MS = 5_000;
/** Open connections at once; beyond, new ones are refused (bounds memory under overload: each may hold a 1 MiB body). */
export const MAX_CONNECTIONS = 4_096;
/** A request must arrive whole within this time (cuts slow uploads that would hold memory); answered 408. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A request's headers must arrive within this time of the connection (or of the previous request); answered 408. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** How often Node checks the two timeouts above, so each is enforced within this much of its value. */
export const TIMEOUT_CHECK_INTERVAL_MS = 500;
/**
 * Connections one client address may hold open at once (behind a trusted
 * address header: requests in flight per header address); beyond, it gets 429.
 * Well below MAX_CONNECTIONS, so one address cannot take the collector from the rest.
 */
export const MAX_CONNECTIONS_PER_ADDRESS = 256;

export interface CollectorOptions {
  /** Spool and dead letters live under it (`spool/`, `dead-letters/`). */
  dataDir: string;
  /** 0 picks a free port. Default 8787. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** `key@retailer[=origin1|origin2],...`; default: one generated demo key. */
  writeKeys?: string;
  /** The event stream (and optionally a dead-letter stream); default `livelens-events` on AWS. */
  kinesis?: { endpoint?: string; stream: string; deadLetterStream?: string };
  /** Trusted header with the viewer's country (default cloudfront-viewer-country). */
  regionHeader?: string;
  /** Trusted header with the client's address for rate limits (default: the socket address). */
  clientAddressHeader?: string;
  rateLimits?: Partial<RateLimits>;
  spoolMaxBytes?: number;
  lingerMs?: number;
  /** Overload shedding bounds (default MAX_REQUESTS_IN_FLIGHT, MAX_BYTES_IN_FLIGHT). */
  admission?: Partial<AdmissionLimits>;
  /** Pause between spool drain attempts while the stream is down (default DRAIN_RETRY_MS). */
  drainRetryMs?: number;
  /** Timeouts for a whole request and for its headers (defaults REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS; tests shorten them). */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Default MAX_CONNECTIONS_PER_ADDRESS. */
  maxConnectionsPerAddress?: number;
  /** Replaces the Kinesis + spool sink (benchmarks). */
  sink?: EventSink;
  /** Mounts more routes on the same app and port (e.g. the dashboard). */
  extraRoutes?: (app: Hono<CollectorEnv>) => void;
  /** More sections of `GET /metrics` (e.g. the live view's counters). */
  metrics?: () => Record<string, unknown>;
  log?: Logger;
}

export interface CollectorHandle {
  /** `http://host:port` */
  url: string;
  port: number;
  writeKeys: WriteKey[];
  /** True when no keys were configured and a demo key was generated. */
  generatedKey: boolean;
  app: Hono<CollectorEnv>;
  counters: Counters;
  sink: EventSink;
  /** Stops accepting, waits for open requests, drains the sinks, closes. */
  stop(): Promise<void>;
}

function clientAddressFrom(header: string | undefined): ClientAddress {
  if (header) {
    const name = header.toLowerCase();
    return (c) => c.req.header(name)?.split(',')[0]?.trim() || getConnInfo(c).remote.address;
  }
  return (c) => getConnInfo(c).remote.address;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), STOP_REQUESTS_TIMEOUT_MS);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Starts the collector on Node and resolves once it listens. */
export async function startCollector(options: CollectorOptions): Promise<CollectorHandle> {
  const log = options.log ?? createLogger();
  const generatedKey = options.writeKeys === undefined || options.writeKeys.trim() === '';
  const writeKeys = generatedKey ? [generateDemoKey()] : parseWriteKeys(options.writeKeys!);
  const counters = new Counters();
  const kinesis = options.kinesis ?? { stream: EMBEDDED_STREAM_NAME };
  const clients: KinesisClient[] = [];
  const writerFor = (stream: string): KinesisWriter => {
    // The writer retries on its own terms, so the SDK makes one attempt.
    const client = createKinesisClient({ endpoint: kinesis.endpoint, maxAttempts: 1 });
    clients.push(client);
    return new KinesisWriter({
      client,
      stream,
      lingerMs: options.lingerMs ?? DEFAULT_LINGER_MS,
      onCallError: (err) => log.warn({ stream, err: err.message }, 'PutRecords failed'),
    });
  };
  const deadLetters = await FileDeadLetters.open({
    dir: join(options.dataDir, DEAD_LETTERS_DIR),
    writer: kinesis.deadLetterStream ? writerFor(kinesis.deadLetterStream) : undefined,
  });
  const sink =
    options.sink ??
    (await DurableSink.open({
      writer: writerFor(kinesis.stream),
      spoolDir: join(options.dataDir, SPOOL_DIR),
      spoolMaxBytes: options.spoolMaxBytes ?? DEFAULT_SPOOL_MAX_BYTES,
      counters,
      log,
      drainRetryMs: options.drainRetryMs,
      // A torn spool line (crash mid-write) is kept as a dead letter, never dropped.
      unreadable: async (letters) => {
        await deadLetters.write(letters);
        counters.dead_lettered += letters.length;
      },
    }));
  const lifecycle = { accepting: true };
  const gate = new InFlight(options.admission);
  const maxPerAddress = options.maxConnectionsPerAddress ?? MAX_CONNECTIONS_PER_ADDRESS;
  const app = createCollectorApp({
    writeKeys,
    sink,
    deadLetters,
    regionHeader: options.regionHeader,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
    clientAddress: clientAddressFrom(options.clientAddressHeader),
    // Behind a trusted address header the socket is the CDN's: the bound is then on requests per header address.
    inFlightPerAddress: options.clientAddressHeader ? maxPerAddress : undefined,
    counters,
    log,
    lifecycle,
    inFlight: gate,
    metrics: options.metrics,
  });
  options.extraRoutes?.(app);
  // The body of a refused request is discarded by lingerAfterResponse, with its own bounds, not by the adapter's 500 ms drain.
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const hono = getRequestListener(app.fetch, { autoCleanupIncoming: false });
  // A batch the gate would shed is answered before Hono (early-refusal.ts: a third of the CPU per refusal).
  const refuse = refuseWhenFull({ gate, keys: keysByValue(writeKeys), counters, lifecycle });
  const server = createServer(
    // Node checks these timeouts every connectionsCheckingInterval (30 s by default, which let a slow body hold 60-90 s).
    { requestTimeout, headersTimeout: Math.min(options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, requestTimeout), connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    (req, res) => {
      if (!refuse(req, res)) void hono(req, res);
    },
  );
  server.prependListener('request', lingerAfterResponse());
  server.maxConnections = MAX_CONNECTIONS;
  if (!options.clientAddressHeader) limitConnectionsPerAddress(server, maxPerAddress, () => counters.countResponse(429));
  const host = options.host ?? DEFAULT_HOST;
  const port = await listen(server, options.port ?? DEFAULT_PORT, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url, stream: kinesis.stream, retailers: [...new Set(writeKeys.map((k) => k.retailer))] }, 'collector listening');
  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    writeKeys,
    generatedKey,
    app,
    counters,
    sink,
    stop: () =>
      (stopping ??= (async () => {
        lifecycle.accepting = false;
        await closeServer(server);
        await sink.close();
        await deadLetters.close();
        for (const c of clients) c.destroy();
        log.info(counters.snapshot(), 'collector stopped');
      })()),
  };
}
