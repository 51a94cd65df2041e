/**
 * The sparkline history of the live panel: per group, one point every
 * HISTORY_STEP_MS of concurrent viewers and latency p95, for the last
 * HISTORY_SPAN_MS. Bounded: points per group and groups (MAX_HISTORY_GROUPS,
 * the least recently seen dropped first).
 *
 * @example
 * history.record(snapshot); history.toJSON(retailer) // { step_s: 10, span_s: 1800, groups: [...], shows: [...] }
 */
import { CappedMap } from './capped-map.ts';
import type { LiveSnapshot } from './snapshot.ts';

/** One point per this interval. */
export const HISTORY_STEP_MS = 10_000;
/** Points kept: the last 30 minutes. */
export const HISTORY_SPAN_MS = 30 * 60_000;
/** Groups with a history at once (region and show groups together). */
export const MAX_HISTORY_GROUPS = 2_000;

/** [at, concurrent_viewers, latency_p95_ms] */
export type HistoryPoint = [number, number, number | null];

interface Series {
  retailer_id: string;
  kind: 'region' | 'show';
  key: string;
  points: HistoryPoint[];
}

export interface LiveHistoryJson {
  step_s: number;
  span_s: number;
  groups: { retailer_id: string; region: string; points: HistoryPoint[] }[];
  shows: { retailer_id: string; show_id: string; points: HistoryPoint[] }[];
}

export class LiveHistory {
  private readonly series = new CappedMap<string, Series>(MAX_HISTORY_GROUPS);
  private lastStep = -Infinity;

  /** Records a snapshot when a step has passed since the last one recorded. */
  record(s: LiveSnapshot): void {
    const step = Math.floor(s.at / HISTORY_STEP_MS);
    if (step <= this.lastStep) return;
    this.lastStep = step;
    const add = (kind: Series['kind'], retailer: string, key: string, point: HistoryPoint) => {
      const id = `${kind}\u0000${retailer}\u0000${key}`;
      const series = this.series.get(id) ?? { retailer_id: retailer, kind, key, points: [] };
      series.points.push(point);
      while (series.points.length > 0 && series.points[0]![0] <= s.at - HISTORY_SPAN_MS) series.points.shift();
      this.series.set(id, series);
    };
    for (const g of s.groups) add('region', g.retailer_id, g.region, [s.at, g.concurrent_viewers, g.latency_p95_ms]);
    for (const g of s.shows) add('show', g.retailer_id, g.show_id, [s.at, g.concurrent_viewers, g.latency_p95_ms]);
    this.series.expireOldest((x) => x.points.length === 0 || x.points[x.points.length - 1]![0] <= s.at - HISTORY_SPAN_MS);
  }

  /** The history, restricted to one retailer when given. */
  toJSON(retailer?: string): LiveHistoryJson {
    const all = [...this.series.values()].filter((x) => retailer === undefined || x.retailer_id === retailer);
    return {
      step_s: HISTORY_STEP_MS / 1000,
      span_s: HISTORY_SPAN_MS / 1000,
      groups: all.filter((x) => x.kind === 'region').map((x) => ({ retailer_id: x.retailer_id, region: x.key, points: x.points })),
      shows: all.filter((x) => x.kind === 'show').map((x) => ({ retailer_id: x.retailer_id, show_id: x.key, points: x.points })),
    };
  }
}
