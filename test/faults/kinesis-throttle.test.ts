/**
 * Fault: Kinesis throttles (ProvisionedThroughputExceededException on every
 * third record of each PutRecords call, injected by the proxy: those records
 * are not written). The collector retries only the failed records, spools
 * what keeps failing, drains it when throttling ends; every acknowledged
 * event is counted exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { settleAndCount } from './common.ts';
import { startRig, type Rig } from './in-process.ts';
import { FAULT_WRITE_KEY } from './processes.ts';
import { startSdkLoad } from './sdk-load.ts';

/** Records at indexes divisible by this fail in every PutRecords call while throttling. */
const THROTTLE_EVERY = 3;
const THROTTLE_MS = 4_000;

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-fault-throttle-'));
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('Kinesis throttling part of each PutRecords batch: retried or spooled, nothing lost or doubled', async () => {
  rig = await startRig(dataDir);
  const load = startSdkLoad({ url: rig.server.url, writeKey: FAULT_WRITE_KEY, prefix: 'throttle' });
  await load.untilAcked(100);
  rig.proxy.throttleEvery = THROTTLE_EVERY;
  await new Promise((r) => setTimeout(r, THROTTLE_MS));
  rig.proxy.throttleEvery = 0;
  expect(rig.proxy.throttled).toBeGreaterThan(0);
  await load.untilAcked(load.stats.acked + 100);
  const { stats } = await settleAndCount(`Kinesis throttling every ${THROTTLE_EVERY}rd record for ${THROTTLE_MS / 1000} s (${rig.proxy.throttled} records throttled)`, load, rig, dataDir);
  // Only 200s, and 503s (overload shedding while the sink is slow) that the SDK retried.
  expect(Object.keys(stats.statuses).filter((status) => status !== '200' && status !== '503')).toEqual([]);
}, 60_000);
