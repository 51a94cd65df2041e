import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { packEvents } from '../contract/record-format.ts';
import { createKinesisClient, EMBEDDED_STREAM_NAME, ensureStream, startEmbeddedKinesis } from '../streams/embedded-kinesis.ts';
import { embeddedEndpointPath, resolveKinesisTarget } from '../streams/kinesis-target.ts';
import { enriched, readLake, useTempDataDirs } from './ingest-fixtures.ts';

const run = promisify(execFile);
/** Each CLI start loads TypeScript through tsx: seconds each on a busy 2-core machine. */
const CLI_TEST_TIMEOUT_MS = 90_000;
const setup = useTempDataDirs();
/** The CLI without any Kinesis setting from the environment running the tests. */
const cliEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LIVELENS_')));

describe('resolveKinesisTarget', () => {
  it('uses a configured stream or endpoint as given', async () => {
    const t = await resolveKinesisTarget({ dataDir: setup(), endpoint: 'http://127.0.0.1:1' });
    expect(t).toMatchObject({ source: 'configured', kinesis: { endpoint: 'http://127.0.0.1:1', stream: EMBEDDED_STREAM_NAME } });
    expect((await resolveKinesisTarget({ dataDir: setup(), stream: 'real' })).kinesis).toEqual({ stream: 'real' });
  });

  it('attaches to the kinesalite advertised in <dataDir>/kinesis/endpoint when it answers', async () => {
    const dataDir = setup();
    const k = await startEmbeddedKinesis();
    try {
      mkdirSync(join(dataDir, 'kinesis'), { recursive: true });
      writeFileSync(embeddedEndpointPath(dataDir), k.endpoint + '\n');
      const t = await resolveKinesisTarget({ dataDir });
      expect(t).toMatchObject({ source: 'attached', kinesis: { endpoint: k.endpoint, stream: EMBEDDED_STREAM_NAME } });
      await t.release();
    } finally {
      await k.stop();
    }
  });

  it('starts its own kinesalite on the data dir when the advertised endpoint is stale, and withdraws it on release', async () => {
    const dataDir = setup();
    mkdirSync(join(dataDir, 'kinesis'), { recursive: true });
    writeFileSync(embeddedEndpointPath(dataDir), 'http://127.0.0.1:9\n');
    const t = await resolveKinesisTarget({ dataDir });
    expect(t.source).toBe('started');
    expect(readFileSync(embeddedEndpointPath(dataDir), 'utf8').trim()).toBe(t.kinesis.endpoint);
    await t.release();
    expect(existsSync(embeddedEndpointPath(dataDir))).toBe(false);
  });
});

describe('livelens ingest --once (CLI)', () => {
  it('reads the embedded Kinesis persisted in the data dir and lands its events', async () => {
    const dataDir = setup();
    // A `serve` that ran earlier and stopped: its kinesalite data stays in <dataDir>/kinesis.
    const k = await startEmbeddedKinesis({ dir: join(dataDir, 'kinesis') });
    const client = createKinesisClient({ endpoint: k.endpoint });
    await ensureStream(client, EMBEDDED_STREAM_NAME);
    const events = Array.from({ length: 25 }, (_, i) => enriched(i));
    await client.send(new PutRecordsCommand({ StreamName: EMBEDDED_STREAM_NAME, Records: packEvents(events, 1024).map((d, i) => ({ Data: d, PartitionKey: `k${i}` })) }));
    client.destroy();
    await k.stop();

    const { stdout, stderr } = await run('node', ['bin/livelens.js', 'ingest', '--once', '--data-dir', dataDir], { env: cliEnv() });
    expect(JSON.parse(stdout).events).toMatchObject({ landed: 25, duplicates: 0 });
    expect(stderr).toContain('"kinesis":"started"');
    expect((await readLake(dataDir, 'events', 'event_id')).map((r) => r.event_id)).toEqual(events.map((e) => e.event_id));
    // Again: nothing new.
    const again = await run('node', ['bin/livelens.js', 'ingest', '--once', '--data-dir', dataDir], { env: cliEnv() });
    expect(JSON.parse(again.stdout).events).toMatchObject({ records: 0, landed: 0 });
  }, CLI_TEST_TIMEOUT_MS);
});

describe('livelens orders import (CLI)', () => {
  it('prints bad rows as FILE:LINE: reason, the summary as JSON, and exits 2 when rows were skipped', async () => {
    const dataDir = setup();
    const file = join(dataDir, 'o.csv');
    writeFileSync(file, 'order_id,ts,user_id,product_id,quantity,unit_price,currency\no1,2026-11-28T10:00:00Z,u1,p1,1,9.5,USD\no2,soon,u1,p1,1,9.5,USD\n');
    const err = await run('node', ['bin/livelens.js', 'orders', 'import', file, '--retailer', 'acme', '--data-dir', dataDir], { env: cliEnv() }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(JSON.parse(err!.stdout)).toEqual({ loaded: 1, skipped: 1, unchanged: 0, duplicates: 0, files: 1 });
    expect(err!.stderr).toBe(`${file}:3: ts "soon" is neither ISO 8601 (e.g. 2026-11-28T10:15:00Z) nor epoch milliseconds\n`);
    const ok = await run('node', ['bin/livelens.js', 'orders', 'import', file.replace('o.csv', 'o2.csv'), '--data-dir', dataDir], { env: cliEnv() }).catch((e: { code: number; stderr: string }) => e);
    expect(ok).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read orders file') });
  }, CLI_TEST_TIMEOUT_MS);
});
