import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { DeadLetter } from '../../../contract/enriched.ts';
import { KinesisWriter } from '../kinesis/index.ts';
import { FileDeadLetters } from './index.ts';

const root = mkdtempSync(join(tmpdir(), 'livelens-dl-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const letter = (index: number): DeadLetter => ({ retailer_id: 'acme', received_at: 1_750_000_000_000, index, error: '/ts: Expected integer', raw: '{"ts":1.5}' });
const sealed = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.ndjson'));

describe('FileDeadLetters', () => {
  it('seals a segment within its age limit, so the lake job can take it', async () => {
    const dir = join(root, 'age');
    const dl = await FileDeadLetters.open({ dir, segmentMaxAgeMs: 50 });
    await dl.write([letter(0), letter(1)]);
    expect(sealed(dir)).toEqual([]);
    await new Promise((r) => setTimeout(r, 150));
    expect(sealed(dir)).toHaveLength(1);
    const got = readFileSync(join(dir, sealed(dir)[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DeadLetter);
    expect(got).toEqual([letter(0), letter(1)]);
    await dl.close();
  });

  it('sends letters to the dead-letter stream when one is set, and to the folder when it refuses', async () => {
    const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(client);
    mock.on(PutRecordsCommand).resolvesOnce({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 's' }] })
      .rejects(Object.assign(new Error('down'), { $metadata: { httpStatusCode: 500 } }));
    const dir = join(root, 'stream');
    const dl = await FileDeadLetters.open({ dir, writer: new KinesisWriter({ client, stream: 'livelens-dead-letters', lingerMs: 0, maxAttempts: 1 }) });
    await dl.write([letter(0)]);
    await dl.write([letter(1)]);
    await dl.close();
    const onStream = mock.commandCalls(PutRecordsCommand)[0]!.args[0].input.Records!.map((r) => Buffer.from(r.Data!).toString());
    expect(onStream).toEqual([JSON.stringify(letter(0)) + '\n']);
    expect(readFileSync(join(dir, sealed(dir)[0]!), 'utf8')).toBe(JSON.stringify(letter(1)) + '\n');
  });
});
