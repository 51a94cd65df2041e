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

  it('what was accepted lands and every rejected event is in the lake, for the inputs the lake cannot hold (issue 9)', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const serve = await startServer({ dataDir, port: 0, writeKeys: 'k-test-1@acme', log: createLogger('silent') });
    const now = Date.now();
    const event = (i: number, extra: Record<string, unknown> = {}) => ({
      event_id: `u-evt-${String(i).padStart(4, '0')}`, type: 'session_start', ts: now - 1000 + i, viewer_id: 'v1', session_id: 's', show_id: 'x', creator_id: 'c', props: {}, ...extra,
    });
    const events: unknown[] = Array.from({ length: 50 }, (_, i) => event(i));
    events[3] = event(3, { viewer_id: '\ud800' });
    events[4] = event(4, { type: '\ud800' });
    // Refused for its type; its raw is cut at 8,192 characters, right in a surrogate pair.
    const prefix = JSON.stringify(event(5, { type: 'teleport', props: { page: '' } })).indexOf('"page":"') + 8;
    events[5] = event(5, { type: 'teleport', props: { page: 'p'.repeat(8192 - prefix - 1) + '😀'.repeat(5) } });
    events[6] = event(6, { type: 'chat_message', props: { length: 1e19 } });
    events[7] = event(7, { ts: 1e19 });
    const res = await fetch(`${serve.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': 'k-test-1' },
      body: JSON.stringify({ sent_at: now, events }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: Array<{ index: number }> };
    expect(body.rejected.map((r) => r.index)).toEqual([3, 4, 5, 6, 7]);
    expect(body.accepted).toBe(45);
    await serve.stop();

    const own = await resolveKinesisTarget({ dataDir });
    const stats = await runIngest({ dataDir, kinesis: own.kinesis, once: true });
    await own.release();
    expect(stats.events).toMatchObject({ landed: 45, malformed: 0 });
    expect(stats.deadLetterSegments).toMatchObject({ landed: 5, malformed: 0 });
    expect((await readLake(dataDir, 'events', 'event_id'))).toHaveLength(45);
    const letters = await readLake(dataDir, 'dead_letters', '"index"');
    expect(letters.map((l) => l.index)).toEqual([3, 4, 5, 6, 7]);
    expect(String(letters[1]!.error)).toContain('unknown event type "\\ud800"');
    expect(String(letters[2]!.raw)).toHaveLength(8191);
  });
});
