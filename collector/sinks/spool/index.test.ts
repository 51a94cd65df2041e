import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { KinesisWriter } from '../kinesis/index.ts';
import type { DeadLetter } from '../../../contract/enriched.ts';
import { Spool, SpoolFullError } from './index.ts';

const root = mkdtempSync(join(tmpdir(), 'livelens-spool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const lines = (from: number, n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `{"event_id":"e${from + i}"}\n`).join(''));

describe('Spool', () => {
  it('puts back only what the stream refused, so nothing is sent twice', async () => {
    const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(client);
    const kept: DeadLetter[] = [];
    const spool = await Spool.open(join(root, 'a'), 1e6, async (letters) => void kept.push(...letters));
    await spool.append(lines(0, 3));
    await spool.append(Buffer.concat([lines(3, 2), Buffer.from('{"torn":\n')]));
    expect(spool.events).toBe(6);

    // The spooled lines pack into one record; the stream refuses it once (all attempts), then takes it.
    mock.on(PutRecordsCommand).rejects(Object.assign(new Error('down'), { $metadata: { httpStatusCode: 503 } }));
    const writer = new KinesisWriter({ client, stream: 's', lingerMs: 0, maxAttempts: 1 });
    const refused = await spool.drainTo(writer);
    expect(refused).toEqual({ forwarded: 0, complete: false, deadLettered: 1 });
    expect(spool.events).toBe(5);
    // The torn line is not dropped: it is a dead letter with the reason.
    expect(kept).toEqual([{ retailer_id: '', received_at: expect.any(Number), index: -1, error: expect.stringMatching(/^spool: segment \d+-\d+\.ndjson line 6 is not JSON/), raw: '{"torn":' }]);

    mock.reset();
    mock.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 's' }] });
    expect(await spool.drainTo(writer)).toEqual({ forwarded: 5, complete: true, deadLettered: 0 });
    expect(spool.empty).toBe(true);
    const sent = mock.commandCalls(PutRecordsCommand).flatMap((c) => c.args[0].input.Records!.map((r) => Buffer.from(r.Data!).toString()));
    expect(sent).toEqual([lines(0, 5).toString()]);
    await spool.close();
  });

  it('keeps a segment (and sends nothing of it) when its unreadable lines cannot be kept as dead letters', async () => {
    const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(client);
    mock.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 's' }] });
    const spool = await Spool.open(join(root, 'c'), 1e6, async () => Promise.reject(new Error('dead letters full')));
    await spool.append(Buffer.concat([lines(0, 2), Buffer.from('{"torn":\n')]));
    const writer = new KinesisWriter({ client, stream: 's', lingerMs: 0, maxAttempts: 1 });
    await expect(spool.drainTo(writer)).rejects.toThrow('dead letters full');
    expect(spool.events).toBe(3);
    expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(0);
    await spool.close();
  });

  it('is bounded', async () => {
    const spool = await Spool.open(join(root, 'b'), 30);
    await spool.append(lines(0, 1));
    await expect(spool.append(lines(1, 2))).rejects.toBeInstanceOf(SpoolFullError);
    await spool.close();
  });
});
