/**
 * The live snapshot (docs/spec.md §8): what `GET /api/v1/live/snapshot`
 * returns and `GET /api/v1/live` streams. A figure with no data is `null`.
 */

/** The figures of one live group. */
export interface LiveFigures {
  concurrent_viewers: number;
  sessions: number;
  startup_p50_ms: number | null;
  startup_p95_ms: number | null;
  rebuffer_pct: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  playback_failure_pct: number | null;
  ebvs_pct: number | null;
  events_per_s: number;
  clicks: number;
  chat_messages: number;
}

export type LiveRegionGroup = { retailer_id: string; region: string } & LiveFigures;
export type LiveShowGroup = { retailer_id: string; show_id: string } & LiveFigures;

export interface LiveSnapshot {
  /** The snapshot's time (epoch ms). */
  at: number;
  window_s: number;
  groups: LiveRegionGroup[];
  shows: LiveShowGroup[];
}

/** Per running experiment: distinct viewers per variant seen live (for the `srm` alert). */
export interface LiveExperimentCounts {
  retailer_id: string;
  experiment_id: string;
  /** variant -> distinct viewers (first variant of a viewer wins). */
  variants: Record<string, number>;
  /** Last exposure seen (epoch ms of received_at). */
  last_seen: number;
}

/** What the live view had to drop to stay within its caps, and what it refused. */
export interface LiveDropped {
  groups: number;
  viewers: number;
  sessions: number;
  event_ids: number;
  exposures: number;
  /** Deliveries of an event_id already counted in the window. */
  duplicates: number;
  /** Events whose event_time was already older than the window. */
  late: number;
  /** Stream lines that were not JSON events. */
  malformed: number;
}

/** The snapshot restricted to one retailer (a retailer token's view). */
export function scopeSnapshot(snapshot: LiveSnapshot, retailer: string | undefined): LiveSnapshot {
  if (retailer === undefined) return snapshot;
  return {
    ...snapshot,
    groups: snapshot.groups.filter((g) => g.retailer_id === retailer),
    shows: snapshot.shows.filter((g) => g.retailer_id === retailer),
  };
}
