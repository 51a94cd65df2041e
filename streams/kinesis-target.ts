/**
 * Which Kinesis a command uses (`livelens serve`, `livelens ingest`).
 *
 * - A configured stream and/or endpoint (LIVELENS_KINESIS_STREAM,
 *   LIVELENS_KINESIS_ENDPOINT or their flags) is used as given; the stream
 *   defaults to `livelens-events`.
 * - Otherwise the embedded kinesalite of the data dir, `<dataDir>/kinesis/`:
 *   whichever process starts it (`livelens serve` or `livelens ingest`)
 *   writes its endpoint to `<dataDir>/kinesis/endpoint` and removes the file
 *   when it stops. Ingest attaches to the endpoint in that file when it
 *   answers; else it starts kinesalite on the folder itself (a folder only
 *   one process may open) and publishes the file the same way.
 *
 * @example
 * const target = await resolveKinesisTarget({ dataDir: '.livelens' });
 * await runIngest({ dataDir: '.livelens', kinesis: target.kinesis });
 * await target.release();
 */
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createKinesisClient } from './kinesis-client.ts';
import { EMBEDDED_STREAM_NAME, ensureStream, startEmbeddedKinesis } from './embedded-kinesis.ts';
import { EMBEDDED_ENDPOINT_FILE, EMBEDDED_KINESIS_DIR } from '../contract/data-dir.ts';

/** How long an advertised endpoint may take to answer before it is taken as gone. */
export const ENDPOINT_PROBE_TIMEOUT_MS = 1_500;

export interface KinesisTarget {
  kinesis: { endpoint?: string; stream: string };
  /** `configured`, `attached` (to another process's embedded kinesalite) or `started` (our own). */
  source: 'configured' | 'attached' | 'started';
  /** Stops the kinesalite this process started (and withdraws its endpoint file). */
  release(): Promise<void>;
}

export interface TargetSettings {
  dataDir: string;
  stream?: string;
  endpoint?: string;
}

export function embeddedEndpointPath(dataDir: string): string {
  return join(dataDir, EMBEDDED_KINESIS_DIR, EMBEDDED_ENDPOINT_FILE);
}

export async function resolveKinesisTarget(s: TargetSettings): Promise<KinesisTarget> {
  const stream = s.stream ?? EMBEDDED_STREAM_NAME;
  const nothing = async () => undefined;
  if (s.stream !== undefined || s.endpoint !== undefined) {
    return { kinesis: { ...(s.endpoint !== undefined ? { endpoint: s.endpoint } : {}), stream }, source: 'configured', release: nothing };
  }
  const endpointFile = embeddedEndpointPath(s.dataDir);
  const advertised = await readFile(endpointFile, 'utf8').then((t) => t.trim(), () => undefined);
  if (advertised && (await answers(advertised))) {
    return { kinesis: { endpoint: advertised, stream }, source: 'attached', release: nothing };
  }
  const dir = join(s.dataDir, EMBEDDED_KINESIS_DIR);
  await mkdir(dir, { recursive: true });
  await assertStoreFree(dir);
  const kinesis = await startEmbeddedKinesis({ dir });
  const client = createKinesisClient({ endpoint: kinesis.endpoint });
  try {
    await ensureStream(client, stream);
  } finally {
    client.destroy();
  }
  await writeFile(endpointFile, kinesis.endpoint + '\n');
  return {
    kinesis: { endpoint: kinesis.endpoint, stream },
    source: 'started',
    async release() {
      const current = await readFile(endpointFile, 'utf8').then((t) => t.trim(), () => undefined);
      if (current === kinesis.endpoint) await rm(endpointFile, { force: true });
      await kinesis.stop();
    },
  };
}

/** The endpoint is a live Kinesis API (ListStreams succeeds quickly). */
async function answers(endpoint: string): Promise<boolean> {
  const client = createKinesisClient({ endpoint, maxAttempts: 1 });
  try {
    await client.send(new ListStreamsCommand({}), { abortSignal: AbortSignal.timeout(ENDPOINT_PROBE_TIMEOUT_MS) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

type LevelDown = { open(cb: (err?: Error) => void): void; close(cb: (err?: Error) => void): void };

/**
 * kinesalite opening a LevelDB folder another process holds emits an error
 * event nobody can catch, killing the process; opening it here first turns
 * that into an error that says what to do.
 */
async function assertStoreFree(dir: string): Promise<void> {
  const leveldown = createRequire(import.meta.url)('leveldown') as (path: string) => LevelDown;
  const db = leveldown(dir);
  await new Promise<void>((resolve, reject) =>
    db.open((err) => {
      if (!err) return db.close((closeErr) => (closeErr ? reject(closeErr) : resolve()));
      reject(
        new Error(
          `the embedded Kinesis in ${dir} is held by another process (livelens serve?) that did not advertise its endpoint ` +
            `in ${EMBEDDED_ENDPOINT_FILE}; set LIVELENS_KINESIS_ENDPOINT (or --kinesis-endpoint) to its endpoint. (${err.message})`,
        ),
      );
    }),
  );
}
