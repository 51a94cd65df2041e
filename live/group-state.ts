/**
 * The sliding-window state of one live group ((retailer, region) or
 * (retailer, show)): rings of count slices (COUNT_SLICE_MS wide) and sketch
 * slices (SKETCH_SLICE_MS wide), plus the counters of the viewers and
 * sessions currently attributed to it.
 *
 * Slice k holds the events whose effective time t is in ((k−1)·width, k·width],
 * t = min(received_at, event_time + 1): an event is in the window of `at`
 * exactly when received_at > at − window and event_time ≥ at − window.
 */
import type { DDSketch } from '@datadog/sketches-js';
import { COUNT_SLICE_MS, SKETCH_SLICE_MS } from './limits.ts';
import { mergeSketches, newSketch, quantileOf } from './quantiles.ts';
import type { LiveFigures } from './snapshot.ts';

interface CountSlice {
  index: number;
  events: number;
  clicks: number;
  chat: number;
  watchMs: number;
  bufferMs: number;
}

interface SketchSlice {
  index: number;
  startup: DDSketch | undefined;
  latency: DDSketch | undefined;
}

/** What one event contributes to its groups' slices. */
export interface EventContribution {
  /** Effective time (see the file comment). */
  t: number;
  click: boolean;
  chat: boolean;
  watchMs: number;
  bufferMs: number;
  startupMs: number | undefined;
  latencyMs: number | undefined;
}

/** Slice index of time t for slices of `width` ms: ceil(t / width). */
export function sliceIndex(t: number, width: number): number {
  return Math.ceil(t / width);
}

export class GroupState {
  private readonly counts: (CountSlice | undefined)[];
  private readonly sketches: (SketchSlice | undefined)[];
  /** Viewers with a heartbeat in the concurrency window. */
  viewers = 0;
  /** Sessions whose first event is in the window, of them with a fatal error, and with a startup or a fatal error. */
  sessions = 0;
  sessionsFatal = 0;
  sessionsStartedOrFailed = 0;
  /** Newest count slice written. */
  newestSlice = -Infinity;
  /** Set once the group is evicted: late decrements from its viewers and sessions are harmless. */
  evicted = false;

  constructor(
    readonly retailerId: string,
    /** The region or show id. */
    readonly keyValue: string,
    private readonly windowMs: number,
  ) {
    this.counts = new Array<CountSlice | undefined>(Math.ceil(windowMs / COUNT_SLICE_MS));
    this.sketches = new Array<SketchSlice | undefined>(Math.ceil(windowMs / SKETCH_SLICE_MS) + 1);
  }

  /** Adds one event's contribution. */
  add(e: EventContribution): void {
    const k = sliceIndex(e.t, COUNT_SLICE_MS);
    const slot = k % this.counts.length;
    let c = this.counts[slot];
    if (c === undefined || c.index !== k) {
      if (c !== undefined && c.index > k) return; // older than the ring: outside any window still asked for
      c = { index: k, events: 0, clicks: 0, chat: 0, watchMs: 0, bufferMs: 0 };
      this.counts[slot] = c;
    }
    c.events++;
    if (e.click) c.clicks++;
    if (e.chat) c.chat++;
    c.watchMs += e.watchMs;
    c.bufferMs += e.bufferMs;
    if (k > this.newestSlice) this.newestSlice = k;
    if (e.startupMs === undefined && e.latencyMs === undefined) return;
    const j = sliceIndex(e.t, SKETCH_SLICE_MS);
    const sslot = j % this.sketches.length;
    let s = this.sketches[sslot];
    if (s === undefined || s.index !== j) {
      if (s !== undefined && s.index > j) return;
      s = { index: j, startup: undefined, latency: undefined };
      this.sketches[sslot] = s;
    }
    if (e.startupMs !== undefined) (s.startup ??= newSketch()).accept(e.startupMs);
    if (e.latencyMs !== undefined) (s.latency ??= newSketch()).accept(e.latencyMs);
  }

  /** True when nothing of the group is left in the window ending at `at`. */
  idle(at: number): boolean {
    return this.newestSlice <= sliceIndex(at, COUNT_SLICE_MS) - this.counts.length && this.viewers <= 0 && this.sessions <= 0;
  }

  /** The group's figures for the window ending at `at` (docs/spec.md §8). */
  figures(at: number): LiveFigures {
    const kAt = sliceIndex(at, COUNT_SLICE_MS); // the current second counts as it fills
    const kFrom = kAt - this.counts.length; // exclusive
    let events = 0;
    let clicks = 0;
    let chat = 0;
    let watchMs = 0;
    let bufferMs = 0;
    for (const c of this.counts) {
      if (c === undefined || c.index <= kFrom || c.index > kAt) continue;
      events += c.events;
      clicks += c.clicks;
      chat += c.chat;
      watchMs += c.watchMs;
      bufferMs += c.bufferMs;
    }
    const jFrom = sliceIndex(at - this.windowMs + 1, SKETCH_SLICE_MS);
    const jAt = sliceIndex(at, SKETCH_SLICE_MS);
    const inWindow = this.sketches.filter((s): s is SketchSlice => s !== undefined && s.index >= jFrom && s.index <= jAt);
    const startup = mergeSketches(inWindow.map((s) => s.startup));
    const latency = mergeSketches(inWindow.map((s) => s.latency));
    const sessions = Math.max(0, this.sessions);
    return {
      concurrent_viewers: Math.max(0, this.viewers),
      sessions,
      startup_p50_ms: quantileOf(startup, 0.5),
      startup_p95_ms: quantileOf(startup, 0.95),
      rebuffer_pct: watchMs + bufferMs > 0 ? round3((100 * bufferMs) / (watchMs + bufferMs)) : null,
      latency_p50_ms: quantileOf(latency, 0.5),
      latency_p95_ms: quantileOf(latency, 0.95),
      playback_failure_pct: sessions > 0 ? round3((100 * this.sessionsFatal) / sessions) : null,
      ebvs_pct: sessions > 0 ? round3((100 * (sessions - this.sessionsStartedOrFailed)) / sessions) : null,
      events_per_s: round3(events / (this.windowMs / 1000)),
      clicks,
      chat_messages: chat,
    };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
