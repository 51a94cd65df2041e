/**
 * The lighter rig of the fault tests that need no SIGKILL of the collector:
 * kinesalite and the server (startServer, as `livelens serve` runs it) in
 * the test process, the collector talking to Kinesis through a
 * KinesisProxy, and ingest through runIngest.
 *
 * @example
 * const rig = await startRig(dataDir);
 * await rig.proxy.down(); ...; await rig.stop();
 */
import { createLogger } from '../../collector/log.ts';
import { runIngest, type IngestStats } from '../../pipeline/ingest/run-ingest.ts';
import { startServer, type ServerHandle } from '../../server/start-server.ts';
import { createKinesisClient, EMBEDDED_STREAM_NAME, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from '../../streams/embedded-kinesis.ts';
import { KinesisProxy } from './kinesis-proxy.ts';
import { FAULT_RETAILER, FAULT_WRITE_KEY } from './processes.ts';

/** First pause between stream probes while Kinesis is down (the default is 1 s). */
export const RIG_DRAIN_RETRY_MS = 200;

export interface Rig {
  kinesis: EmbeddedKinesis;
  proxy: KinesisProxy;
  server: ServerHandle;
  /** Restarts the server on the same data dir (the spool is reopened and replayed). */
  restartServer(): Promise<void>;
  metrics(): Promise<{ spooled: number; responses: Record<string, number>; sink: { streamUp: boolean; spool: { events: number } } }>;
  /** Waits until the spool is empty and the stream up. */
  drained(timeoutMs?: number): Promise<void>;
  ingest(): Promise<IngestStats>;
  stop(): Promise<void>;
}

export async function startRig(dataDir: string, extra: { spoolMaxBytes?: number } = {}): Promise<Rig> {
  const kinesis = await startEmbeddedKinesis({ dir: `${dataDir}/kinesalite` });
  const client = createKinesisClient({ endpoint: kinesis.endpoint });
  await ensureStream(client, EMBEDDED_STREAM_NAME);
  client.destroy();
  const proxy = await KinesisProxy.start(kinesis.endpoint);
  const start = (port = 0) =>
    startServer({
      dataDir,
      port,
      kinesisEndpoint: proxy.endpoint,
      writeKeys: `${FAULT_WRITE_KEY}@${FAULT_RETAILER}`,
      addressRequestsPerSecond: 0,
      drainRetryMs: RIG_DRAIN_RETRY_MS,
      log: createLogger('silent'),
      ...extra,
    });
  const rig: Rig = {
    kinesis,
    proxy,
    server: await start(),
    async restartServer() {
      const port = new URL(rig.server.url).port;
      await rig.server.stop();
      rig.server = await start(Number(port));
    },
    async metrics() {
      return (await (await fetch(`${rig.server.url}/metrics`)).json()) as never;
    },
    async drained(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = await rig.metrics();
        if (m.sink.streamUp && m.sink.spool.events === 0) return;
        if (Date.now() > deadline) throw new Error(`spool not drained within ${timeoutMs} ms: ${JSON.stringify(m.sink)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    ingest: () => runIngest({ dataDir, kinesis: { endpoint: kinesis.endpoint, stream: EMBEDDED_STREAM_NAME }, once: true, deadLetterStream: null }),
    async stop() {
      await rig.server.stop().catch(() => undefined);
      await proxy.down().catch(() => undefined);
      await kinesis.stop().catch(() => undefined);
    },
  };
  return rig;
}
