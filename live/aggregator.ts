/**
 * The live aggregator (docs/spec.md §8): folds enriched events into sliding
 * windows per (retailer, region) and (retailer, show) and answers
 * snapshots. Memory is bounded by `LiveLimits` (oldest evicted first,
 * counted in `dropped`); duplicate deliveries of an `event_id` within the
 * window count once.
 *
 * @example
 * const agg = new LiveAggregator({ windowS: 300 });
 * agg.add(event);                       // an EnrichedEvent read from the stream
 * agg.snapshot(Date.now())              // { at, window_s, groups: [...], shows: [...] }
 */
import type { EnrichedEvent } from '../contract/enriched.ts';
import { CappedMap } from './capped-map.ts';
import { GroupState, type EventContribution } from './group-state.ts';
import { CONCURRENT_WINDOW_MS, DEFAULT_LIVE_LIMITS, DEFAULT_LIVE_WINDOW_S, type LiveLimits } from './limits.ts';
import type { LiveDropped, LiveExperimentCounts, LiveSnapshot } from './snapshot.ts';

export interface AggregatorOptions {
  windowS?: number;
  limits?: Partial<LiveLimits>;
}

interface ViewerEntry {
  lastHeartbeat: number;
  groups: GroupState[];
}

interface SessionEntry {
  firstSeen: number;
  groups: GroupState[];
  startup: boolean;
  fatal: boolean;
}

interface ExperimentEntry {
  retailer_id: string;
  experiment_id: string;
  variants: Map<string, number>;
  lastSeen: number;
}

const SEP = '\u0000';

export class LiveAggregator {
  readonly windowS: number;
  private readonly windowMs: number;
  private readonly limits: LiveLimits;
  private readonly regions: CappedMap<string, GroupState>;
  private readonly shows: CappedMap<string, GroupState>;
  private readonly viewers: CappedMap<string, ViewerEntry>;
  private readonly sessions: CappedMap<string, SessionEntry>;
  private readonly eventIds: CappedMap<string, number>;
  private readonly exposures: CappedMap<string, string>;
  private readonly experiments = new Map<string, ExperimentEntry>();
  private duplicates = 0;
  private late = 0;
  private malformed = 0;
  /** Newest received_at seen: the clock that expires entries between snapshots. */
  private newest = -Infinity;

  constructor(opts: AggregatorOptions = {}) {
    this.windowS = opts.windowS ?? DEFAULT_LIVE_WINDOW_S;
    this.windowMs = this.windowS * 1000;
    this.limits = { ...DEFAULT_LIVE_LIMITS, ...opts.limits };
    // Region and show groups share the group cap.
    const evictGroup = (_k: string, g: GroupState) => {
      g.evicted = true;
    };
    this.regions = new CappedMap(this.limits.maxGroups, evictGroup);
    this.shows = new CappedMap(this.limits.maxGroups, evictGroup);
    this.viewers = new CappedMap(this.limits.maxViewers, (_k, v) => leaveViewer(v));
    this.sessions = new CappedMap(this.limits.maxSessions, (_k, s) => leaveSession(s));
    this.eventIds = new CappedMap(this.limits.maxEventIds);
    this.exposures = new CappedMap(this.limits.maxExposures);
  }

  /** Counts a stream line that was not an event. */
  countMalformed(): void {
    this.malformed++;
  }

  /** Folds one event in; returns false when it was a duplicate or too late to count. */
  add(e: EnrichedEvent): boolean {
    if (this.eventIds.get(e.event_id) !== undefined) {
      this.duplicates++;
      return false;
    }
    const t = Math.min(e.received_at, e.event_time + 1);
    if (e.received_at > this.newest) this.newest = e.received_at;
    if (t <= this.newest - this.windowMs) {
      this.late++;
      return false;
    }
    this.eventIds.set(e.event_id, e.received_at);
    const region = this.group(this.regions, e.retailer_id, e.region);
    const show = this.group(this.shows, e.retailer_id, e.show_id);
    const contribution = contributionOf(e, t);
    region.add(contribution);
    show.add(contribution);
    this.trackSession(e, t, region, show);
    if (e.type === 'heartbeat') this.trackViewer(e, region, show);
    this.trackExposures(e);
    return true;
  }

  /** The figures of every group for the window ending at `at` (expires what fell out of it first). */
  snapshot(at: number): LiveSnapshot {
    this.expire(at);
    const groups = [...this.regions.values()].map((g) => ({ retailer_id: g.retailerId, region: g.keyValue, ...g.figures(at) }));
    const shows = [...this.shows.values()].map((g) => ({ retailer_id: g.retailerId, show_id: g.keyValue, ...g.figures(at) }));
    groups.sort((a, b) => cmp(a.retailer_id, b.retailer_id) || cmp(a.region, b.region));
    shows.sort((a, b) => cmp(a.retailer_id, b.retailer_id) || cmp(a.show_id, b.show_id));
    return { at, window_s: this.windowS, groups, shows };
  }

  /** Experiments with an exposure in the window ending at `at`, with distinct viewers per variant. */
  experimentCounts(at: number): LiveExperimentCounts[] {
    return [...this.experiments.values()]
      .filter((x) => x.lastSeen > at - this.windowMs)
      .map((x) => ({ retailer_id: x.retailer_id, experiment_id: x.experiment_id, variants: Object.fromEntries(x.variants), last_seen: x.lastSeen }));
  }

  /** What was dropped to stay within the caps, and what was refused. */
  dropped(): LiveDropped {
    return {
      groups: this.regions.evicted + this.shows.evicted,
      viewers: this.viewers.evicted,
      sessions: this.sessions.evicted,
      event_ids: this.eventIds.evicted,
      exposures: this.exposures.evicted,
      duplicates: this.duplicates,
      late: this.late,
      malformed: this.malformed,
    };
  }

  /** Entries tracked now (for /metrics and the memory test). */
  sizes(): { groups: number; viewers: number; sessions: number; event_ids: number; exposures: number } {
    return {
      groups: this.regions.size + this.shows.size,
      viewers: this.viewers.size,
      sessions: this.sessions.size,
      event_ids: this.eventIds.size,
      exposures: this.exposures.size,
    };
  }

  private group(map: CappedMap<string, GroupState>, retailer: string, value: string): GroupState {
    const key = retailer + SEP + value;
    let g = map.get(key);
    if (g === undefined) {
      g = new GroupState(retailer, value, this.windowMs);
      map.set(key, g);
    }
    return g;
  }

  private trackViewer(e: EnrichedEvent, region: GroupState, show: GroupState): void {
    const key = e.retailer_id + SEP + e.region + SEP + e.show_id + SEP + e.viewer_id;
    const v = this.viewers.get(key);
    if (v === undefined) {
      region.viewers++;
      show.viewers++;
      this.viewers.set(key, { lastHeartbeat: e.received_at, groups: [region, show] });
    } else if (e.received_at > v.lastHeartbeat) {
      v.lastHeartbeat = e.received_at;
      this.viewers.set(key, v); // to the newest end: expiry walks from the oldest
    }
  }

  private trackSession(e: EnrichedEvent, t: number, region: GroupState, show: GroupState): void {
    const key = e.retailer_id + SEP + e.session_id;
    let s = this.sessions.get(key);
    if (s === undefined) {
      s = { firstSeen: t, groups: [region, show], startup: false, fatal: false };
      for (const g of s.groups) g.sessions++;
      this.sessions.set(key, s);
    }
    const startup = e.type === 'startup';
    const fatal = e.type === 'error' && e.props.fatal;
    if ((startup && !s.startup) || (fatal && !s.fatal)) {
      const before = s.startup || s.fatal;
      if (fatal && !s.fatal) for (const g of s.groups) g.sessionsFatal++;
      s.startup ||= startup;
      s.fatal ||= fatal;
      if (!before) for (const g of s.groups) g.sessionsStartedOrFailed++;
    }
  }

  private trackExposures(e: EnrichedEvent): void {
    if (e.type === 'exposure') this.expose(e, e.props.experiment_id, e.props.variant);
    if (e.experiments) for (const [id, variant] of Object.entries(e.experiments)) this.expose(e, id, variant);
  }

  private expose(e: EnrichedEvent, experimentId: string, variant: string): void {
    const xKey = e.retailer_id + SEP + experimentId;
    let x = this.experiments.get(xKey);
    if (x === undefined) {
      x = { retailer_id: e.retailer_id, experiment_id: experimentId, variants: new Map(), lastSeen: e.received_at };
      this.experiments.set(xKey, x);
    }
    x.lastSeen = Math.max(x.lastSeen, e.received_at);
    const vKey = xKey + SEP + e.viewer_id;
    if (this.exposures.get(vKey) !== undefined) return; // the viewer's first variant wins
    this.exposures.set(vKey, variant);
    x.variants.set(variant, (x.variants.get(variant) ?? 0) + 1);
  }

  private expire(at: number): void {
    const from = at - this.windowMs;
    this.eventIds.expireOldest((receivedAt) => receivedAt <= from);
    this.viewers.expireOldest((v) => v.lastHeartbeat <= at - CONCURRENT_WINDOW_MS, (_k, v) => leaveViewer(v));
    this.sessions.expireOldest((s) => s.firstSeen <= from, (_k, s) => leaveSession(s));
    for (const map of [this.regions, this.shows]) {
      for (const [key, g] of [...map.entries()]) if (g.idle(at)) map.delete(key);
    }
  }
}

function leaveViewer(v: ViewerEntry): void {
  for (const g of v.groups) g.viewers--;
}

function leaveSession(s: SessionEntry): void {
  for (const g of s.groups) {
    g.sessions--;
    if (s.fatal) g.sessionsFatal--;
    if (s.startup || s.fatal) g.sessionsStartedOrFailed--;
  }
}

function contributionOf(e: EnrichedEvent, t: number): EventContribution {
  return {
    t,
    click: e.type === 'click_to_buy',
    chat: e.type === 'chat_message',
    watchMs: e.type === 'heartbeat' ? e.props.watch_ms : 0,
    bufferMs: e.type === 'buffer_end' ? e.props.buffer_ms : 0,
    startupMs: e.type === 'startup' ? e.props.startup_ms : undefined,
    latencyMs: e.type === 'heartbeat' ? e.props.latency_ms : undefined,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
