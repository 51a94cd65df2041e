/**
 * A second, independent implementation of docs/spec.md §4's attribution, in
 * plain TypeScript over the planted clicks and order lines, so the SQL's
 * answer can be checked against it.
 *
 * @example
 * const attributed = attribute(clicks, lines, DEFAULT_WINDOW_MS);
 * attributed.get(line) // the click the line belongs to, or undefined
 */
import type { OrderLine } from '../world/orders.ts';

/** The attribution window docs/spec.md §4 gives by default. */
export const DEFAULT_WINDOW_MS = 24 * 3_600_000;

export interface ClickFact {
  clickId: string;
  retailerId: string;
  viewerId: string;
  userId?: string;
  productId: string;
  offerId: string;
  showId: string;
  creatorId: string;
  region: string;
  /** The click's event time (epoch ms). */
  atMs: number;
}

/** Maps each attributed order line to its click (rule 1: click_id; rule 2: latest click by user and product). */
export function attribute(clicks: readonly ClickFact[], lines: readonly OrderLine[], windowMs = DEFAULT_WINDOW_MS): Map<OrderLine, ClickFact> {
  const byId = new Map(clicks.map((c) => [`${c.retailerId}\u0000${c.clickId}`, c]));
  const byUserProduct = new Map<string, ClickFact[]>();
  for (const c of clicks) {
    if (c.userId === undefined) continue;
    const k = `${c.retailerId}\u0000${c.userId}\u0000${c.productId}`;
    const list = byUserProduct.get(k) ?? [];
    list.push(c);
    byUserProduct.set(k, list);
  }
  const inWindow = (c: ClickFact, ts: number): boolean => ts >= c.atMs && ts - c.atMs <= windowMs;
  const out = new Map<OrderLine, ClickFact>();
  for (const line of lines) {
    const direct = line.clickId !== undefined ? byId.get(`${line.retailerId}\u0000${line.clickId}`) : undefined;
    if (direct && inWindow(direct, line.tsMs)) {
      out.set(line, direct);
      continue;
    }
    let best: ClickFact | undefined;
    for (const c of byUserProduct.get(`${line.retailerId}\u0000${line.userId}\u0000${line.productId}`) ?? []) {
      if (inWindow(c, line.tsMs) && (!best || c.atMs > best.atMs)) best = c;
    }
    if (best) out.set(line, best);
  }
  return out;
}
