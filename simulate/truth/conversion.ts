/**
 * Ground truth of the conversion reports (docs/spec.md §4): per retailer and
 * creator, show, offer or region, one row per currency of the attributed
 * lines, computed from the planted sessions, clicks and attributed lines.
 *
 * @example
 * conversionRows('creator', sessions, clickFacts(sessions, clickIds), attribute(clicks, lines));
 */
import type { ClickFact } from './attribution.ts';
import type { OrderLine } from '../world/orders.ts';
import type { PlannedSession } from '../world/sessions.ts';

export type ConversionDimension = 'creator' | 'show' | 'offer' | 'region';
const KEY_COLUMN = { creator: 'creator_id', show: 'show_id', offer: 'offer_id', region: 'region' } as const;

export interface ConversionTruthRow {
  retailer_id: string;
  /** The group key, under its docs/spec.md name (`creator_id`, `show_id`, `offer_id`, `region`). */
  [key: string]: string | number | null;
  currency: string | null;
  viewers: number;
  clickers: number;
  buyers: number;
  orders: number;
  units: number;
  /** Σ quantity × unit_price in this currency, rounded to cents. */
  revenue: number;
  conversion_rate: number;
}

/** Cents to currency units, rounded to the cent. */
export const cents = (c: number): number => Math.round(c) / 100;

/** The clicks the SDK made (those with a click id), with their session's show, creator and region. */
export function clickFacts(sessions: readonly PlannedSession[], clickIds: ReadonlyMap<string, string>): ClickFact[] {
  const out: ClickFact[] = [];
  for (const s of sessions) {
    for (const c of s.clicks) {
      const clickId = clickIds.get(c.clickKey);
      if (clickId === undefined) continue;
      out.push({
        clickId,
        retailerId: s.retailerId,
        viewerId: s.viewerId,
        ...(s.userId !== undefined ? { userId: s.userId } : {}),
        productId: c.productId,
        offerId: c.offerId,
        showId: s.showId,
        creatorId: s.creatorId,
        region: s.region,
        atMs: c.atMs,
      });
    }
  }
  return out;
}

/** One truth row per retailer, group of `dim` and currency (one row with currency null for a group without sales). */
export function conversionRows(
  dim: ConversionDimension,
  sessions: readonly PlannedSession[],
  clicks: readonly ClickFact[],
  attributed: ReadonlyMap<OrderLine, ClickFact>,
): ConversionTruthRow[] {
  // Groups are per retailer, as the reports group them (a region is shared by retailers; the rest belong to one).
  const groupOf = (x: { creatorId: string; showId: string; region: string }, offerId: string): string =>
    (dim === 'creator' ? x.creatorId : dim === 'show' ? x.showId : dim === 'offer' ? offerId : x.region);
  const keyOfClick = (c: ClickFact): string => `${c.retailerId}\u0000${groupOf(c, c.offerId)}`;
  const keyOfSession = (s: PlannedSession, offerId = ''): string => `${s.retailerId}\u0000${groupOf(s, offerId)}`;
  const viewers = new Map<string, Set<string>>();
  const add = (k: string, v: string): void => {
    const set = viewers.get(k) ?? new Set<string>();
    set.add(v);
    viewers.set(k, set);
  };
  for (const s of sessions) {
    if (dim === 'offer') for (const cue of s.cues) add(keyOfSession(s, cue.offerId), s.viewerId);
    else add(keyOfSession(s), s.viewerId);
  }
  for (const c of clicks) add(keyOfClick(c), c.viewerId);
  const clickers = new Map<string, Set<string>>();
  for (const c of clicks) clickers.set(keyOfClick(c), (clickers.get(keyOfClick(c)) ?? new Set()).add(c.viewerId));
  type Acc = { buyers: Set<string>; orders: Set<string>; units: number; revenueCents: number };
  const byCurrency = new Map<string, Map<string, Acc>>();
  for (const [line, c] of attributed) {
    const k = keyOfClick(c);
    const m = byCurrency.get(k) ?? new Map<string, Acc>();
    const acc = m.get(line.currency) ?? { buyers: new Set(), orders: new Set(), units: 0, revenueCents: 0 };
    acc.buyers.add(c.viewerId);
    acc.orders.add(`${line.retailerId}\u0000${line.orderId}`);
    acc.units += line.quantity;
    acc.revenueCents += line.quantity * line.unitPriceCents;
    m.set(line.currency, acc);
    byCurrency.set(k, m);
  }
  const rows: ConversionTruthRow[] = [];
  for (const [k, vs] of [...viewers].sort(([a], [b]) => a.localeCompare(b))) {
    const [retailerId, group] = k.split('\u0000') as [string, string];
    const base = { retailer_id: retailerId, [KEY_COLUMN[dim]]: group, viewers: vs.size, clickers: clickers.get(k)?.size ?? 0 };
    const currencies = [...(byCurrency.get(k) ?? new Map<string, Acc>())].sort(([a], [b]) => a.localeCompare(b));
    if (currencies.length === 0) {
      rows.push({ ...base, currency: null, viewers: vs.size, clickers: base.clickers, buyers: 0, orders: 0, units: 0, revenue: 0, conversion_rate: 0 });
    }
    for (const [currency, a] of currencies) {
      rows.push({
        ...base,
        currency,
        viewers: vs.size,
        clickers: base.clickers,
        buyers: a.buyers.size,
        orders: a.orders.size,
        units: a.units,
        revenue: cents(a.revenueCents),
        conversion_rate: a.buyers.size / vs.size,
      });
    }
  }
  return rows;
}
