import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startServer } from '../server/start-server.ts';
import { createLogger } from '../collector/log.ts';
import { resolveKinesisTarget } from '../streams/kinesis-target.ts';
import { runIngest } from '../pipeline/ingest/run-ingest.ts';
import { readLake, tempDataDir } from './ingest-fixtures.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('serve -> ingest on embedded defaults', () => {
  it('lands what the collector accepted (attached while serve runs) and its dead letters (after serve stops)', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const serve = await startServer({ dataDir, port: 0, writeKeys: 'k-test-1@acme', log: createLogger('silent') });
    const now = Date.now();
    const event = (i: number, extra: Record<string, unknown> = {}) => ({
      event_id: `serve-evt-${i}`, type: 'heartbeat', ts: now - 1000 + i, viewer_id: 'v1', session_id: 's1', show_id: 'show-1', creator_id: 'c1',
      props: { watch_ms: 5000 }, ...extra,
    });
    const res = await fetch(`${serve.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': 'k-test-1' },
      body: JSON.stringify({ sent_at: now, events: [event(1), event(2), event(3, { type: 'no_such_type' }), event(4)] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 3, rejected: [{ index: 2 }] });

    // While serve runs, ingest attaches to its kinesalite through <dataDir>/kinesis/endpoint.
    const attached = await resolveKinesisTarget({ dataDir });
    expect(attached.source).toBe('attached');
    const first = await runIngest({ dataDir, kinesis: attached.kinesis, once: true });
    expect(first.events).toMatchObject({ landed: 3, duplicates: 0 });
    await attached.release();
    await serve.stop();

    // Serve stopped: ingest starts kinesalite on the data dir itself; the closed dead-letter segment lands now.
    const own = await resolveKinesisTarget({ dataDir });
    expect(own.source).toBe('started');
    const second = await runIngest({ dataDir, kinesis: own.kinesis, once: true });
    await own.release();
    expect(second.events.landed).toBe(0);
    expect(second.deadLetterSegments.landed + (second.deadLetterStream?.landed ?? 0)).toBe(1);

    const rows = await readLake(dataDir, 'events', 'event_id');
    expect(rows.map((r) => [r.event_id, r.retailer_id, r.watch_ms])).toEqual([
      ['serve-evt-1', 'acme', 5000],
      ['serve-evt-2', 'acme', 5000],
      ['serve-evt-4', 'acme', 5000],
    ]);
    const letters = await readLake(dataDir, 'dead_letters', 'received_at');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ retailer_id: 'acme', index: 2 });
    expect(String(letters[0]!.raw)).toContain('no_such_type');
  });
});
