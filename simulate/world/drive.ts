/**
 * Plays one planned session through the real SDK: a tracker and the IVS
 * binding on the SDK's fake player (sdk/testing/fake-player.ts), on the
 * device's own simulated clock, sending over HTTP to the collector. Returns what the SDK decided (click ids,
 * experiment variants) so orders and the ground truth can use them.
 *
 * @example
 * const result = await driveSession(session, { endpoint, writeKey: 'k1', regionHeader: 'cloudfront-viewer-country' }, storage, seed);
 */
import { createTracker, type TrackerStats } from '../../sdk/tracker.ts';
import type { Quality } from 'amazon-ivs-player';
import { trackIvsPlayer } from '../../sdk/ivs.ts';
import { createFakePlayer } from '../../sdk/testing/fake-player.ts';
import { VIEWER_ID_KEY } from '../../sdk/identity.ts';
import { createMemoryStore, type KeyValueStorage } from '../../sdk/queue.ts';
import { AA_EXPERIMENT, SHOW_AA_EXPERIMENT, SHOW_FORMAT_EXPERIMENT, SHOW_LEVEL_EXPERIMENT } from './catalog.ts';
import { createDeviceFetch } from './device-fetch.ts';
import { createRandom } from './random.ts';
import type { PlannedSession } from './sessions.ts';
import { VirtualClock } from './virtual-clock.ts';

/**
 * The simulated SDK sends every minute or per 50 events (the browser
 * defaults are 5 s / 20): the same code paths, a tenth of the HTTP requests,
 * so a day of shows fits in the demo's time.
 */
/** Flushes a device tries after its page closed, for events a 429/503 left queued (each paced by Retry-After). */
export const MAX_FINAL_FLUSH_ATTEMPTS = 30;

export const SIM_FLUSH_INTERVAL_MS = 300_000;
export const SIM_BATCH_SIZE_EVENTS = 100;

const rendition = (name: string, bitrate: number, width: number, height: number): Quality => ({ name, codecs: 'avc1.4D401F,mp4a.40.2', bitrate, width, height });
/** The rendition each device class starts on, and the one ABR steps down to after repeated stalls. */
const RENDITIONS: Record<PlannedSession['device'], Quality> = {
  desktop: rendition('1080p', 6_000_000, 1920, 1080),
  tablet: rendition('720p', 3_000_000, 1280, 720),
  mobile: rendition('480p', 1_500_000, 854, 480),
};
const FALLBACK_RENDITION = rendition('360p', 800_000, 640, 360);

export interface DriveTarget {
  /** Collector base URL. */
  endpoint: string;
  writeKey: string;
  regionHeader: string;
}

export interface SessionResult {
  clickIds: Array<[clickKey: string, clickId: string]>;
  /** experiment id → variant, as the SDK assigned it. */
  variants: Record<string, string>;
  stats: TrackerStats;
  statuses: Map<number, number>;
  /** Answers the network dropped (the SDK then sent those batches again). */
  lostAcks: number;
}

/** A stable private address per viewer, so per-address rate limits see many viewers, not one. */
export function viewerAddress(viewerId: string): string {
  let h = 0;
  for (let i = 0; i < viewerId.length; i++) h = (Math.imul(h, 31) + viewerId.charCodeAt(i)) >>> 0;
  return `10.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${h & 255}`;
}

/** A storage standing in for one browser's localStorage, shared by the viewer's sessions. */
export function viewerStorage(viewerId: string): KeyValueStorage {
  const m = new Map<string, string>([[VIEWER_ID_KEY, viewerId]]);
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

/** Runs one session from play intent to its end and returns what the SDK produced. */
export async function driveSession(s: PlannedSession, target: DriveTarget, storage: KeyValueStorage, seed: number): Promise<SessionResult> {
  const clock = new VirtualClock(s.joinMs);
  // The device's clock: the simulated true time plus its error.
  const deviceNow = () => clock.now() + s.clockOffsetMs;
  const rng = createRandom(seed).fork(`sdk:${s.sessionKey}`);
  const network = createRandom(seed).fork(`network:${s.sessionKey}`);
  const net = createDeviceFetch({
    userAgent: s.userAgent,
    region: s.region,
    regionHeader: target.regionHeader,
    clientAddress: viewerAddress(s.viewerId),
    clockOffsetMs: s.clockOffsetMs,
    random: network.next,
  });
  const tracker = createTracker({
    endpoint: target.endpoint,
    writeKey: target.writeKey,
    showId: s.showId,
    creatorId: s.creatorId,
    ...(s.userId !== undefined ? { userId: s.userId } : {}),
    storage,
    // The queue stays in memory: mirroring it to storage after every event costs the
    // simulation most of its CPU, and each session is flushed before the next begins.
    store: createMemoryStore(),
    lifecycle: null,
    sendBeacon: null,
    fetch: net.fetch,
    now: deviceNow,
    timers: clock,
    random: rng.next,
    flushIntervalMs: SIM_FLUSH_INTERVAL_MS,
    batchSize: SIM_BATCH_SIZE_EVENTS,
    warn: () => {},
  });
  const variants = {
    [SHOW_FORMAT_EXPERIMENT.id]: tracker.variant(SHOW_FORMAT_EXPERIMENT.id, SHOW_FORMAT_EXPERIMENT.variants, SHOW_FORMAT_EXPERIMENT.weights),
    [AA_EXPERIMENT.id]: tracker.variant(AA_EXPERIMENT.id, AA_EXPERIMENT.variants, AA_EXPERIMENT.weights),
    // Show-level: the SDK hashes the show, so every viewer of a show gets its variant.
    [SHOW_LEVEL_EXPERIMENT.id]: tracker.variant(SHOW_LEVEL_EXPERIMENT.id, SHOW_LEVEL_EXPERIMENT.variants, SHOW_LEVEL_EXPERIMENT.weights, 'show'),
    [SHOW_AA_EXPERIMENT.id]: tracker.variant(SHOW_AA_EXPERIMENT.id, SHOW_AA_EXPERIMENT.variants, SHOW_AA_EXPERIMENT.weights, 'show'),
  };
  // The SDK's own fake of amazon-ivs-player: the player's real state and event names, in the player's order.
  const player = createFakePlayer({ now: deviceNow, qualities: [RENDITIONS[s.device], FALLBACK_RENDITION], liveLatencySeconds: s.latencyMs / 1000 });
  const untrack = trackIvsPlayer(tracker, player);
  const clickIds: Array<[string, string]> = [];
  const at = (t: number, fn: () => void) => clock.setTimeout(fn, t - s.joinMs);

  player.load();
  if (s.fatal) {
    at(s.leaveMs, () => player.error(true, { message: 'segment request failed: 404' }));
  } else if (s.exitsBeforeStart) {
    // The viewer gives up while the first frame loads: the page closes below, nothing plays.
  } else {
    at(s.joinMs + s.startupMs, () => player.play());
    s.rebuffers.forEach((r, i) => {
      at(r.atMs, () => player.rebuffer());
      at(r.atMs + r.durationMs, () => {
        // After a second rebuffer the player steps down a rendition, as ABR does.
        if (i === 1) player.setQuality(FALLBACK_RENDITION.name);
        player.play();
      });
    });
    for (const cue of s.cues) {
      at(cue.atMs, () => player.cue({ type: 'product', product_id: cue.productId, offer_id: cue.offerId, card_id: `${s.showId}-${cue.offerId}` }));
    }
    for (const c of s.chats) at(c.atMs, () => void tracker.chat(c.length));
    for (const c of s.clicks) {
      at(c.atMs, () => {
        clickIds.push([c.clickKey, tracker.clickToBuy(c.productId, c.offerId, { price: c.priceCents / 100, currency: c.currency })]);
      });
    }
  }
  // The show ends under the viewer (ENDED), or the viewer closes the page.
  at(s.leaveMs, () => (s.endedByShow ? player.end() : untrack()));
  await clock.advanceTo(s.leaveMs, net.idle);
  untrack();
  await tracker.destroy();
  await net.idle();
  // A closed page keeps its queue (localStorage) and the next visit sends it: here the
  // device keeps flushing what a 429/503 left queued, each retry paced by device-fetch.
  for (let attempt = 0; tracker.stats().queued > 0 && attempt < MAX_FINAL_FLUSH_ATTEMPTS; attempt++) {
    await tracker.flush();
    await net.idle();
  }
  return { clickIds, variants, stats: tracker.stats(), statuses: net.statuses, lostAcks: net.lostAcks() };
}
