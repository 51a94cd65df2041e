/**
 * The end of every fault test: stop the load (every batch acknowledged),
 * let the collector drain, land the stream, count, print the line and check
 * that every event answered 200 is in the reports exactly once.
 *
 * @example
 * const c = await settleAndCount('Kinesis down 30 s', load, rig);
 */
import { expect } from 'vitest';
import { countInReports, faultLine, type Counted } from './count.ts';
import type { Rig } from './in-process.ts';
import type { LoadStats, SdkLoad } from './sdk-load.ts';

export async function settleAndCount(fault: string, load: SdkLoad, rig: Rig, dataDir: string): Promise<{ stats: LoadStats; counted: Counted }> {
  const stats = await load.stop();
  await rig.drained();
  await rig.server.stop();
  await rig.ingest();
  const counted = await countInReports(dataDir, stats);
  console.log(faultLine(fault, stats, counted));
  expect(stats.acked).toBe(stats.sent);
  expect(counted.notExactlyOnce).toEqual([]);
  expect(counted.counted).toBe(stats.acked);
  expect(counted.strangers).toBe(0);
  return { stats, counted };
}
