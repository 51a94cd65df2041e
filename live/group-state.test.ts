import { describe, expect, it } from 'vitest';
import { GroupState, type EventContribution } from './group-state.ts';
import { SKETCH_RELATIVE_ACCURACY, SKETCH_SLICE_MS } from './limits.ts';

const WINDOW_MS = 300_000;
const startup = (t: number, ms: number): EventContribution => ({ t, click: false, chat: false, watchMs: 0, bufferMs: 0, startupMs: ms, latencyMs: undefined });

/** One group holding `events`, asked for the window ending at `at`. */
function figures(at: number, ...events: EventContribution[]) {
  const g = new GroupState('r1', 'BR', WINDOW_MS);
  for (const e of events) g.add(e);
  return g.figures(at);
}

describe('GroupState window edges', () => {
  // The window is (at − W, at]. Counters are exact to the ms; percentiles cover
  // (⌊(at − W) / SKETCH_SLICE_MS⌋ · SKETCH_SLICE_MS, at]: (at − W) mod SKETCH_SLICE_MS more.
  const edgeOffset = 5_000;
  const at = 100 * SKETCH_SLICE_MS + WINDOW_MS + edgeOffset;
  const start = at - WINDOW_MS; // exclusive
  const sliceStart = start - edgeOffset; // exclusive bound of the percentiles

  it('an event just inside the window counts in both', () => {
    const f = figures(at, startup(start + 1, 700));
    expect(f.events_per_s).toBeGreaterThan(0);
    expect(f.startup_p50_ms).toBeCloseTo(700, -1);
  });

  it('an event older than the window but in its oldest sketch slice counts in the percentiles only (at most SKETCH_SLICE_MS − 1 ms older)', () => {
    const f = figures(at, startup(sliceStart + 1, 5_000));
    expect(f.events_per_s).toBe(0);
    expect(Math.abs(f.startup_p50_ms! - 5_000)).toBeLessThanOrEqual(5_000 * SKETCH_RELATIVE_ACCURACY);
    expect(figures(at, startup(start, 5_000)).startup_p50_ms).not.toBeNull();
  });

  it('an event at or before the oldest slice\'s start counts in neither', () => {
    const f = figures(at, startup(sliceStart, 5_000));
    expect(f.events_per_s).toBe(0);
    expect(f.startup_p50_ms).toBeNull();
  });

  it('when the window starts on a slice boundary the percentiles cover exactly the window', () => {
    const aligned = 100 * SKETCH_SLICE_MS + WINDOW_MS;
    expect(figures(aligned, startup(aligned - WINDOW_MS, 900)).startup_p50_ms).toBeNull();
    expect(figures(aligned, startup(aligned - WINDOW_MS + 1, 900)).startup_p50_ms).not.toBeNull();
  });
});
