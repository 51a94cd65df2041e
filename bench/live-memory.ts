/**
 * Live view memory at its caps (issue 14): `--viewers` distinct viewers
 * (each with its own session and event id, in 6 regions and 200 shows, all
 * inside the concurrency window) through one LiveAggregator at the default
 * limits (live/limits.ts), then the heap it holds after a full GC, per
 * tracked entry, with CPU seconds and wall time. Run with the script's
 * node flags: `npm run bench:live-memory` (it needs --expose-gc).
 *
 * @example
 * npm run bench:live-memory -- --viewers 1000000
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { LiveAggregator } from '../live/aggregator.ts';
import { DEFAULT_LIVE_LIMITS } from '../live/limits.ts';
import { liveEvents } from '../live/testing/events.ts';

const { values: args } = parseArgs({ options: { viewers: { type: 'string', default: '1000000' } } });
const VIEWERS = Number(args.viewers);
if (!Number.isInteger(VIEWERS) || VIEWERS < 1) throw new Error(`--viewers is "${args.viewers}": expected a whole number of at least 1`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench:live-memory does)');

const AT = 1_800_000_000_000;
const REGIONS = ['BR', 'US', 'DE', 'FR', 'GB', 'MX'];
/** Ids as long as the SDK's (22 characters after the prefix). */
const id = (prefix: string, i: number) => `${prefix}_${i.toString(36).padStart(22, '0')}`;

gc();
const heapBefore = process.memoryUsage().heapUsed;
const agg = new LiveAggregator();
const event = liveEvents('bench').heartbeat({ at: AT - 20_000 });
const cpu0 = process.cpuUsage();
const wall0 = Date.now();
for (let i = 0; i < VIEWERS; i++) {
  // One event object re-used (the aggregator keeps no reference to it); 100 viewers per ms, all in the 30 s concurrency window.
  event.event_id = id('ev', i);
  event.viewer_id = id('viewer', i);
  event.session_id = id('sess', i);
  event.show_id = `show${i % 200}`;
  event.region = REGIONS[i % REGIONS.length]!;
  event.received_at = event.event_time = AT - 20_000 + Math.floor(i / 100);
  agg.add(event);
}
const snapshot = agg.snapshot(AT);
const cpu = process.cpuUsage(cpu0);
const wallS = (Date.now() - wall0) / 1000;
gc();
const heldBytes = process.memoryUsage().heapUsed - heapBefore;
const sizes = agg.sizes();
const entries = sizes.viewers + sizes.sessions + sizes.event_ids;
const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;

process.stdout.write(`live view memory, ${VIEWERS.toLocaleString('en-US')} distinct viewers at the default caps ${JSON.stringify(DEFAULT_LIVE_LIMITS)}:\n`);
process.stdout.write(`  tracked ${JSON.stringify(sizes)}, dropped ${JSON.stringify(agg.dropped())}\n`);
process.stdout.write(`  concurrent viewers in the snapshot: ${snapshot.groups.reduce((s, g) => s + g.concurrent_viewers, 0).toLocaleString('en-US')}\n`);
process.stdout.write(`  heap held after GC: ${mb(heldBytes)} (${Math.round(heldBytes / entries)} B per tracked viewer, session or event id); RSS ${mb(process.memoryUsage().rss)}\n`);
process.stdout.write(`  ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s in ${wallS.toFixed(1)} s wall; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
