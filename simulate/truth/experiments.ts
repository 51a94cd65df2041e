/**
 * Ground truth of the experiment reports: each arm's viewers, converters,
 * clicks, watch time and revenue per currency, as the SDK assigned them.
 *
 * @example
 * experimentTruth('exp-aa-check', ['a1', 'a2'], [0.5, 0.5], assigned, sessions, converted, revenueCents, 0, 0);
 */
import type { ClickFact } from './attribution.ts';
import type { OrderLine } from '../world/orders.ts';
import type { PlannedSession } from '../world/sessions.ts';
import { cents } from './conversion.ts';
import { watchMsOf } from './qoe.ts';

export interface ExperimentTruth {
  experiment_id: string;
  /** Show-level experiments say so; viewer-level ones leave it out. */
  unit?: 'show';
  weights: number[];
  variants: {
    variant: string;
    /** Show-level: the arm's shows. */
    shows?: number;
    /** Viewer-level: the arm's viewers; show-level: Σ over its shows of each show's distinct viewers. */
    viewers: number;
    converters: number;
    conversion_rate: number;
    clicks: number;
    /** Σ playing time of the arm's viewers (what their heartbeats carry). */
    watch_ms: number;
    /** Attributed revenue of the arm's viewers per currency, rounded to cents. */
    revenue_by_currency: Record<string, number>;
  }[];
  /** The lift planted on each click's chance to become an order. */
  planted_buy_rate_lift: number;
  /**
   * Relative lift in conversion if every viewer had been in the second arm
   * versus every viewer in the first, from the same planted draws (the
   * finite-population estimand the experiment's interval should cover).
   */
  true_relative_lift: number;
}

/** Viewers with at least one attributed order line. */
export function converters(attributed: ReadonlyMap<OrderLine, ClickFact>): Set<string> {
  return new Set([...attributed.values()].map((c) => c.viewerId));
}

/** The truth of one experiment from the SDK's assignments and the converted viewers. */
export function experimentTruth(
  id: string,
  variants: readonly string[],
  weights: readonly number[],
  assigned: ReadonlyMap<string, string>,
  sessions: readonly PlannedSession[],
  converted: Set<string>,
  revenueCents: ReadonlyMap<string, ReadonlyMap<string, number>>,
  plantedLift: number,
  trueLift: number,
): ExperimentTruth {
  const clicksByViewer = new Map<string, number>();
  const watchByViewer = new Map<string, number>();
  for (const s of sessions) {
    clicksByViewer.set(s.viewerId, (clicksByViewer.get(s.viewerId) ?? 0) + s.clicks.length);
    watchByViewer.set(s.viewerId, (watchByViewer.get(s.viewerId) ?? 0) + watchMsOf(s));
  }
  return {
    experiment_id: id,
    weights: [...weights],
    variants: variants.map((variant) => {
      const vs = [...assigned].filter(([, v]) => v === variant).map(([viewer]) => viewer);
      const conv = vs.filter((v) => converted.has(v)).length;
      const revenue: Record<string, number> = {};
      for (const v of vs) for (const [currency, c] of revenueCents.get(v) ?? []) revenue[currency] = (revenue[currency] ?? 0) + c;
      return {
        variant,
        viewers: vs.length,
        converters: conv,
        conversion_rate: vs.length ? conv / vs.length : 0,
        clicks: vs.reduce((t, v) => t + (clicksByViewer.get(v) ?? 0), 0),
        watch_ms: vs.reduce((t, v) => t + (watchByViewer.get(v) ?? 0), 0),
        revenue_by_currency: Object.fromEntries(Object.entries(revenue).sort().map(([c, v]) => [c, cents(v)])),
      };
    }),
    planted_buy_rate_lift: plantedLift,
    true_relative_lift: trueLift,
  };
}

/** Σ over shows of the distinct viewers with an attributed line whose click was in the show (a viewer counts once per show). */
export function showBuyers(attributed: ReadonlyMap<OrderLine, ClickFact>, inShow: (showId: string) => boolean): number {
  return new Set([...attributed.values()].filter((c) => inShow(c.showId)).map((c) => `${c.showId}\u0000${c.viewerId}`)).size;
}

/**
 * The truth of a show-level experiment (docs/spec.md §4): per arm its shows,
 * and summed over them each show's distinct viewers, buyers, clicks, watch
 * time and revenue by the click's show — a viewer of shows of both arms
 * counts in both.
 */
export function showExperimentTruth(
  id: string,
  variants: readonly string[],
  weights: readonly number[],
  showVariant: ReadonlyMap<string, string>,
  sessions: readonly PlannedSession[],
  attributed: ReadonlyMap<OrderLine, ClickFact>,
  plantedLift: number,
  trueLift: number,
): ExperimentTruth {
  return {
    experiment_id: id,
    unit: 'show',
    weights: [...weights],
    variants: variants.map((variant) => {
      const inArm = (showId: string) => showVariant.get(showId) === variant;
      const mine = sessions.filter((s) => inArm(s.showId));
      const revenue: Record<string, number> = {};
      for (const [line, c] of attributed) if (inArm(c.showId)) revenue[line.currency] = (revenue[line.currency] ?? 0) + line.quantity * line.unitPriceCents;
      const viewers = new Set(mine.map((s) => `${s.showId}\u0000${s.viewerId}`)).size;
      const buyers = showBuyers(attributed, inArm);
      return {
        variant,
        shows: new Set(mine.map((s) => s.showId)).size,
        viewers,
        converters: buyers,
        conversion_rate: viewers ? buyers / viewers : 0,
        clicks: mine.reduce((t, s) => t + s.clicks.length, 0),
        watch_ms: mine.reduce((t, s) => t + watchMsOf(s), 0),
        revenue_by_currency: Object.fromEntries(Object.entries(revenue).sort().map(([c, v]) => [c, cents(v)])),
      };
    }),
    planted_buy_rate_lift: plantedLift,
    true_relative_lift: trueLift,
  };
}
