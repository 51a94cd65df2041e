/**
 * Fault: the spool's disk fills up while Kinesis is down. The spool folder
 * is a small tmpfs (mounted when the test runs as root; skipped otherwise:
 * collector/sinks/append-log's unit test injects ENOSPC and runs anywhere),
 * filled with ballast. The collector answers a clear 503 with Retry-After,
 * leaves no torn or corrupt line in any segment, takes events again once
 * space returns (the ballast removed), and drains when Kinesis is back.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { settleAndCount } from './common.ts';
import { startRig, type Rig } from './in-process.ts';
import { FAULT_WRITE_KEY } from './processes.ts';
import { startSdkLoad } from './sdk-load.ts';

/** Size of the spool's tmpfs, and the free room left beside the ballast. */
const TMPFS_BYTES = 4 * 1024 * 1024;
const ROOM_BYTES = 256 * 1024;

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-fault-diskfull-'));
const spoolDir = join(dataDir, 'spool');
mkdirSync(spoolDir);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', spoolDir], { stdio: 'ignore' });
  mounted = true;
} catch {
  console.log('[fault] spool disk full: skipped, mounting a tmpfs needs root (the ENOSPC unit test in collector/sinks/append-log runs anywhere)');
}
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.stop();
  if (mounted) execFileSync('umount', ['-l', spoolDir], { stdio: 'ignore' });
  rmSync(dataDir, { recursive: true, force: true });
});

/** The segments whose text is not whole JSON lines (a torn last line, or a line that does not parse). */
function tornSegments(): string[] {
  const torn: string[] = [];
  for (const name of readdirSync(spoolDir).filter((n) => n.includes('.ndjson'))) {
    const text = readFileSync(join(spoolDir, name), 'utf8');
    if (text === '') continue;
    const lines = text.slice(0, -1).split('\n');
    if (!text.endsWith('\n') || lines.some((line) => { try { JSON.parse(line); return false; } catch { return true; } })) torn.push(name);
  }
  return torn;
}

/** How long a segment may look torn while the load is still writing to it: a write in progress, not a corrupt line. */
const WRITE_IN_PROGRESS_MS = 2_000;

/**
 * Every line of every segment is whole JSON. The load keeps sending, so a
 * segment read mid-append can end part-way through a line; only a segment
 * that stays torn (a failed write left behind) is corrupt.
 */
async function segmentsAreWhole(): Promise<void> {
  let torn = tornSegments();
  for (const start = Date.now(); torn.length > 0 && Date.now() - start < WRITE_IN_PROGRESS_MS; torn = tornSegments()) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(torn, 'segments ending in a torn or corrupt line').toEqual([]);
}

it.skipIf(!mounted)('spool disk full: 503 + Retry-After, no corrupt segment, events taken again when space returns', async () => {
  const ballast = join(spoolDir, 'ballast');
  const free = () => {
    const s = statfsSync(spoolDir);
    return s.bavail * s.bsize;
  };
  writeFileSync(ballast, Buffer.alloc(free() - ROOM_BYTES));
  rig = await startRig(dataDir);
  const load = startSdkLoad({ url: rig.server.url, writeKey: FAULT_WRITE_KEY, prefix: 'diskfull' });
  await load.untilAcked(50);
  await rig.proxy.down();
  for (let i = 0; i < 400 && (load.stats.statuses['503'] ?? 0) < 3; i++) await new Promise((r) => setTimeout(r, 50));
  // The probe may meet overload shedding first (its own 503); the disk-full one follows.
  let answer = { status: 0, retryAfter: null as string | null, error: '' };
  for (let i = 0; i < 50 && !answer.error.includes('disk'); i++) {
    const probeId = `probe_disk_full_${i}`;
    load.stats.sentIds.add(probeId); // may be accepted before the disk is full: not a stranger then
    const res = await fetch(`${rig.server.url}/v1/events?key=${FAULT_WRITE_KEY}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ sent_at: Date.now(), events: [{ event_id: probeId, type: 'chat_message', ts: Date.now(), viewer_id: 'v', session_id: 's', show_id: 'sh', creator_id: 'c', props: { length: 1 } }] }) });
    answer = { status: res.status, retryAfter: res.headers.get('retry-after'), error: ((await res.json()) as { error?: string }).error ?? '' };
    if (!answer.error.includes('disk')) await new Promise((r) => setTimeout(r, 100));
  }
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toMatch(/^\d+$/);
  expect(answer.error).toMatch(/spool's disk is full \(ENOSPC\); retry later$/);
  await segmentsAreWhole();
  const ackedWhenFull = load.stats.acked;
  rmSync(ballast); // space returns
  await load.untilAcked(ackedWhenFull + 100, 30_000);
  await segmentsAreWhole();
  await rig.proxy.up();
  await settleAndCount('spool disk full, then space returns', load, rig, dataDir);
}, 90_000);
