/**
 * Fault: power is lost while the collector writes to its spool, leaving a
 * torn last line (never acknowledged: the append had not been synced). On
 * restart the segment is sealed as it is, the torn line is dropped when
 * the spool drains, and every acknowledged event is counted exactly once.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { settleAndCount } from './common.ts';
import { startRig, type Rig } from './in-process.ts';
import { FAULT_WRITE_KEY } from './processes.ts';
import { startSdkLoad } from './sdk-load.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-fault-torn-'));
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('a torn last line in a spool segment: dropped, the rest replayed, nothing lost or doubled', async () => {
  rig = await startRig(dataDir);
  const load = startSdkLoad({ url: rig.server.url, writeKey: FAULT_WRITE_KEY, prefix: 'torn' });
  await load.untilAcked(50);
  await rig.proxy.down();
  await load.untilAcked(load.stats.acked + 200);
  await rig.server.stop(); // the process is gone (the stream is down, so the spool stays)
  const spoolDir = join(dataDir, 'spool');
  const segments = readdirSync(spoolDir).sort();
  expect(segments.length).toBeGreaterThan(0);
  // The half-written line of an append that power loss cut short.
  appendFileSync(join(spoolDir, segments.at(-1)!), '{"event_id":"torn_never_acknowledged","type":"heartbeat","ts":17');
  await rig.restartServer();
  await rig.proxy.up();
  await load.untilAcked(load.stats.acked + 100);
  const { counted } = await settleAndCount('torn last line in a spool segment', load, rig, dataDir);
  expect(counted.strangers).toBe(0); // the torn event is nowhere
}, 60_000);
