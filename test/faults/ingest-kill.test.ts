/**
 * Fault: `livelens ingest --once` SIGKILLed (by its test-only crash points,
 * LIVELENS_FAULT) after writing Parquet but before committing any
 * checkpoint, then again between committing two shards' checkpoints, while
 * the SDK load goes on; the next run recovers. Every acknowledged event is
 * counted exactly once, and the lake holds no event_id twice: each re-run
 * lands the uncheckpointed records under the file names the crashed run
 * used (shard and checkpoint), replacing its files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { AFTER_PARQUET, BETWEEN_SHARDS } from '../../pipeline/ingest/crash-point.ts';
import { settleAndCount } from './common.ts';
import { startRig, type Rig } from './in-process.ts';
import { FAULT_WRITE_KEY, ingestOnce } from './processes.ts';
import { startSdkLoad } from './sdk-load.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-fault-ingest-'));
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('ingest SIGKILLed between Parquet and checkpoint, and between two shards: recovered, nothing lost or doubled', async () => {
  rig = await startRig(dataDir);
  const load = startSdkLoad({ url: rig.server.url, writeKey: FAULT_WRITE_KEY, prefix: 'ingest' });
  await load.untilAcked(200);
  const first = await ingestOnce(dataDir, rig.kinesis.endpoint, { LIVELENS_FAULT: AFTER_PARQUET });
  expect(first.signal, first.stderr).toBe('SIGKILL');
  await load.untilAcked(load.stats.acked + 200);
  const second = await ingestOnce(dataDir, rig.kinesis.endpoint, { LIVELENS_FAULT: BETWEEN_SHARDS });
  expect(second.signal, second.stderr).toBe('SIGKILL');
  await load.untilAcked(load.stats.acked + 100);
  const { counted } = await settleAndCount('ingest SIGKILL after Parquet, then between two shards', load, rig, dataDir);
  // Not only the reports: the lake itself holds each event once (the re-runs replaced the crashed runs' files).
  expect(counted.lakeRows).toBe(counted.lakeDistinct);
}, 90_000);
