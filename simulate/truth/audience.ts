/**
 * Ground truth of docs/spec.md §4b's audience insight, per retailer and
 * creator: distinct viewers, those who watched two or more of the creator's
 * shows (returning), and the conversion of returning and one-show viewers
 * (a buyer being a viewer with an order line attributed to a click in one
 * of the creator's shows). The world plants each creator's return rate, so
 * warm audiences show up here; no report computes this yet.
 *
 * @example
 * audienceRows(sessions, attributed); // [{ retailer_id: 'northwind', creator_id: 'cr-ava', returning_share: 0.31, ... }]
 */
import type { ClickFact } from './attribution.ts';
import type { OrderLine } from '../world/orders.ts';
import type { PlannedSession } from '../world/sessions.ts';

export interface AudienceTruthRow {
  retailer_id: string;
  creator_id: string;
  viewers: number;
  returning_viewers: number;
  returning_share: number;
  conversion_rate_returning: number | null;
  conversion_rate_new: number | null;
}

export function audienceRows(sessions: readonly PlannedSession[], attributed: ReadonlyMap<OrderLine, ClickFact>): AudienceTruthRow[] {
  const showsOf = new Map<string, Map<string, Set<string>>>(); // creator key → viewer → shows
  for (const s of sessions) {
    const k = `${s.retailerId}\u0000${s.creatorId}`;
    const byViewer = showsOf.get(k) ?? new Map<string, Set<string>>();
    byViewer.set(s.viewerId, (byViewer.get(s.viewerId) ?? new Set<string>()).add(s.showId));
    showsOf.set(k, byViewer);
  }
  const buyers = new Set([...attributed.values()].map((c) => `${c.retailerId}\u0000${c.creatorId}\u0000${c.viewerId}`));
  const rate = (n: number, d: number): number | null => (d > 0 ? n / d : null);
  return [...showsOf]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, byViewer]) => {
      const [retailerId, creatorId] = k.split('\u0000') as [string, string];
      const viewers = [...byViewer.keys()];
      const returning = viewers.filter((v) => byViewer.get(v)!.size >= 2);
      const oneShow = viewers.filter((v) => byViewer.get(v)!.size < 2);
      const bought = (v: string) => buyers.has(`${k}\u0000${v}`);
      return {
        retailer_id: retailerId,
        creator_id: creatorId,
        viewers: viewers.length,
        returning_viewers: returning.length,
        returning_share: returning.length / viewers.length,
        conversion_rate_returning: rate(returning.filter(bought).length, returning.length),
        conversion_rate_new: rate(oneShow.filter(bought).length, oneShow.length),
      };
    });
}
