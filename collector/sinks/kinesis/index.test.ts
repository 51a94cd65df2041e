import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from '../../../streams/embedded-kinesis.ts';
import { readStream } from '../../testing/read-stream.ts';
import { MAX_PUT_RECORDS_PER_CALL } from '../../limits.ts';
import { backoffMs, KinesisWriter } from './index.ts';

const record = (i: number) => Buffer.from(`{"i":${i}}\n`);

describe('KinesisWriter against kinesalite', () => {
  let k: EmbeddedKinesis;
  let client: KinesisClient;
  beforeAll(async () => {
    k = await startEmbeddedKinesis();
    client = createKinesisClient({ endpoint: k.endpoint, maxAttempts: 1 });
    await ensureStream(client, 'writer');
  });
  afterAll(async () => {
    client.destroy();
    await k.stop();
  });

  it('writes every record, in calls of at most 500, from concurrent puts', async () => {
    const calls: number[] = [];
    const sizes = { send: client.send.bind(client) };
    const spy = Object.create(client) as KinesisClient;
    spy.send = ((cmd: PutRecordsCommand) => {
      if (cmd instanceof PutRecordsCommand) calls.push(cmd.input.Records!.length);
      return sizes.send(cmd);
    }) as KinesisClient['send'];
    const w = new KinesisWriter({ client: spy, stream: 'writer', lingerMs: 20, maxInFlight: 2 });
    const outcomes = await Promise.all([0, 1, 2].map((p) => w.put(Array.from({ length: 400 }, (_, i) => record(p * 400 + i)))));
    expect(outcomes.every((o) => o.failed.length === 0)).toBe(true);
    expect(Math.max(...calls)).toBeLessThanOrEqual(MAX_PUT_RECORDS_PER_CALL);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(1200);
    expect(calls.length).toBeLessThan(10); // linger groups the puts
    const got = await readStream<{ i: number }>(client, 'writer');
    expect(got.map((r) => r.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
  });
});

describe('KinesisWriter retries', () => {
  it('retries only the records a call failed, then reports those still failing', async () => {
    const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(client);
    mock.on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 1, Records: [{ SequenceNumber: '1', ShardId: 's' }, { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' }, { SequenceNumber: '3', ShardId: 's' }] })
      .resolvesOnce({ FailedRecordCount: 0, Records: [{ SequenceNumber: '4', ShardId: 's' }] });
    const w = new KinesisWriter({ client, stream: 's', lingerMs: 0 });
    expect(await w.put([record(0), record(1), record(2)])).toEqual({ failed: [] });
    const sent = mock.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.Records!.map((r) => Buffer.from(r.Data!).toString()));
    expect(sent).toEqual([['{"i":0}\n', '{"i":1}\n', '{"i":2}\n'], ['{"i":1}\n']]);

    mock.reset();
    mock.on(PutRecordsCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }));
    const down = await w.put([record(7)]);
    expect(down.failed.map((b) => b.toString())).toEqual(['{"i":7}\n']);
    expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(4); // MAX_PUT_ATTEMPTS
    expect(w.up).toBe(false);

    mock.reset();
    mock.on(PutRecordsCommand).rejects(Object.assign(new Error('no such stream'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }));
    expect((await w.put([record(8)])).failed).toHaveLength(1);
    expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(1); // not retryable
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffMs(1, () => 0.999)).toBe(99);
    expect(backoffMs(3, () => 0.999)).toBe(399);
    expect(backoffMs(10, () => 0.999)).toBe(999);
    expect(backoffMs(3, () => 0)).toBe(0);
  });
});
