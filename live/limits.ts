/**
 * Every limit of the live view (docs/spec.md §8), in one place. The live
 * view's memory is bounded by these caps: past one, the oldest entry is
 * evicted first and counted in `LiveDropped`.
 *
 * Worst case, at the defaults: 2 × MAX_LIVE_GROUPS groups (regions and
 * shows) × (window_s count slices of ~80 B + window_s/10 sketch slices × 2
 * DDSketches of ≤ ~3 KB) ≈ 2,000 × 200 KB = 400 MB (an estimate, reached
 * only when every group is busy every second). Measured with SDK-length ids
 * (`npm run bench:live-memory`, 2026-12-01): event ids ≈ 320 B each (324 MB
 * at MAX_LIVE_EVENT_IDS, reached at ~3,300 events/s held over a 300 s
 * window), viewers and sessions ≈ 1.1 kB each; all three at their caps
 * 1.43 GB of heap.
 */

/** Default sliding window (`LIVELENS_LIVE_WINDOW_S`). */
export const DEFAULT_LIVE_WINDOW_S = 300;
/** Smallest and largest window accepted. */
export const MIN_LIVE_WINDOW_S = 30;
export const MAX_LIVE_WINDOW_S = 3_600;
/** Concurrent viewers: a heartbeat within this long before `at` (docs/spec.md §4b). */
export const CONCURRENT_WINDOW_MS = 30_000;
/** Counters (events, clicks, chat, watch and buffer time) are kept per slice of this width: windows are exact to it. */
export const COUNT_SLICE_MS = 1_000;
/**
 * Percentile sketches are kept per slice of this width (memory: 30 sketches
 * per metric and group over 300 s); the oldest slice of a window counts whole
 * while any of it is in the window. Exactly: for the window (at − W, at], the
 * percentiles cover effective times in (⌊(at − W) / SKETCH_SLICE_MS⌋ ·
 * SKETCH_SLICE_MS, at], i.e. (at − W) mod SKETCH_SLICE_MS more (0 to 9.999 s;
 * none when the window starts on a slice boundary); counters are exact
 * (live/group-state.test.ts). Exact percentiles would need a sketch per
 * second (10× the memory): sketches merge but cannot be subtracted.
 */
export const SKETCH_SLICE_MS = 10_000;
/** DDSketch relative accuracy: a reported percentile is within 1% of the true value of its rank. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/** Groups of each kind ((retailer, region), and (retailer, show)) tracked at once. */
export const MAX_LIVE_GROUPS = 1_000;
/** Viewers tracked for concurrent counts (a viewer in a region and a show is one entry). */
export const MAX_LIVE_VIEWERS = 500_000;
/** Sessions tracked for the session ratios. */
export const MAX_LIVE_SESSIONS = 500_000;
/** Event ids remembered for dedupe within the window. */
export const MAX_LIVE_EVENT_IDS = 1_000_000;
/** (experiment, viewer) assignments remembered for the live sample-ratio test. */
export const MAX_LIVE_EXPOSURES = 500_000;

/** The caps of one aggregator (tests shrink them). */
export interface LiveLimits {
  maxGroups: number;
  maxViewers: number;
  maxSessions: number;
  maxEventIds: number;
  maxExposures: number;
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  maxGroups: MAX_LIVE_GROUPS,
  maxViewers: MAX_LIVE_VIEWERS,
  maxSessions: MAX_LIVE_SESSIONS,
  maxEventIds: MAX_LIVE_EVENT_IDS,
  maxExposures: MAX_LIVE_EXPOSURES,
};

/** Parses LIVELENS_LIVE_WINDOW_S: an integer from MIN to MAX seconds. */
export function parseLiveWindowS(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULT_LIVE_WINDOW_S;
  const n = Number(text);
  if (!Number.isInteger(n) || n < MIN_LIVE_WINDOW_S || n > MAX_LIVE_WINDOW_S) {
    throw new Error(`LIVELENS_LIVE_WINDOW_S / --live-window-s is "${text}": expected whole seconds from ${MIN_LIVE_WINDOW_S} to ${MAX_LIVE_WINDOW_S}`);
  }
  return n;
}
