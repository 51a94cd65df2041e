/**
 * Fault: the collector is SIGKILLed under load while events sit in its
 * spool (Kinesis is down at that moment), and restarted: the spool is
 * replayed at start, and every event answered 200 is counted exactly once.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { countInReports, faultLine } from './count.ts';
import { FAULT_WRITE_KEY, freePort, ingestOnce, Kinesalite, Serve } from './processes.ts';
import { startSdkLoad } from './sdk-load.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-fault-kill-'));
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

it('collector SIGKILLed with a full spool and restarted: the spool is replayed, nothing lost or doubled', async () => {
  const kinesis = await Kinesalite.start(join(dataDir, 'kinesalite'), await freePort());
  cleanup.push(() => kinesis.kill());
  const serve = await Serve.start({ dataDir, port: await freePort(), kinesisEndpoint: kinesis.endpoint });
  cleanup.push(() => serve.kill('SIGKILL'));
  const load = startSdkLoad({ url: serve.url, writeKey: FAULT_WRITE_KEY, prefix: 'kill' });
  await load.untilAcked(200);

  await kinesis.kill(); // the collector spools from now on
  const beforeSpool = load.stats.acked;
  await load.untilAcked(beforeSpool + 300);
  expect((await serve.metrics()).spooled).toBeGreaterThan(0); await serve.kill('SIGKILL');
  expect(readdirSync(join(dataDir, 'spool')).length).toBeGreaterThan(0);
  await kinesis.restart();
  await new Promise((r) => setTimeout(r, 500)); // the viewers meet a dead collector for a while
  await serve.restart();
  const afterRestart = load.stats.acked;
  await load.untilAcked(afterRestart + 200); const stats = await load.stop();
  await serve.drained();
  await serve.stop();
  const ingest = await ingestOnce(dataDir, kinesis.endpoint);
  expect(ingest.code, ingest.stderr).toBe(0); const c = await countInReports(dataDir, stats);
  console.log(faultLine('collector SIGKILL with spooled events, restart', stats, c));
  expect(stats.acked).toBe(stats.sent);
  expect(c.notExactlyOnce).toEqual([]);
  expect(c.counted).toBe(stats.acked);
  expect(c.strangers).toBe(0);
}, 90_000);
