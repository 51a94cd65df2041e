/**
 * Fault: Kinesis stops answering for KINESIS_OUTAGE_MS under a steady SDK
 * load (its port refuses connections, through the proxy) and comes back:
 * the collector answers 200 throughout from its spool, drains it once the
 * stream answers, and every acknowledged event is counted exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { settleAndCount } from './common.ts';
import { startRig, type Rig } from './in-process.ts';
import { FAULT_WRITE_KEY } from './processes.ts';
import { startSdkLoad } from './sdk-load.ts';

/** Length of the outage, as the issue names it. The test mostly waits through it: it holds a worker, not a core. */
export const KINESIS_OUTAGE_MS = 30_000;
/**
 * A lighter load than the other faults' (2 viewers, a batch of 10 every 250 ms: about 80
 * events/s), so that 30 s of spooling and the drain after it stay modest on a shared machine
 * beside the test files running in parallel; every request of the outage is spooled the same way.
 */
const OUTAGE_VIEWERS = 2;
const OUTAGE_INTERVAL_MS = 250;

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-fault-outage-'));
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it(`Kinesis down for ${KINESIS_OUTAGE_MS / 1000} s and back: 200s from the spool, drained after, nothing lost or doubled`, async () => {
  rig = await startRig(dataDir);
  const load = startSdkLoad({ url: rig.server.url, writeKey: FAULT_WRITE_KEY, prefix: 'outage', viewers: OUTAGE_VIEWERS, intervalMs: OUTAGE_INTERVAL_MS });
  await load.untilAcked(100);
  await rig.proxy.down();
  const downAt = load.stats.acked;
  await new Promise((r) => setTimeout(r, KINESIS_OUTAGE_MS / 2));
  const midway = load.stats.acked;
  await new Promise((r) => setTimeout(r, KINESIS_OUTAGE_MS / 2));
  // Still acknowledged in both halves of the outage, from the spool.
  expect(midway).toBeGreaterThan(downAt + 100);
  expect(load.stats.acked).toBeGreaterThan(midway + 100);
  expect((await rig.metrics()).spooled).toBeGreaterThan(0);
  await rig.proxy.up();
  await load.untilAcked(load.stats.acked + 100);
  const { stats } = await settleAndCount(`Kinesis down ${KINESIS_OUTAGE_MS / 1000} s`, load, rig, dataDir);
  // Only 200s, and 503s (overload shedding while the sink is slow) that the SDK retried.
  expect(Object.keys(stats.statuses).filter((status) => status !== '200' && status !== '503')).toEqual([]);
}, KINESIS_OUTAGE_MS + 60_000);
