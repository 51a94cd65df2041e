/**
 * The commerce side: order lines as the retailers' shops record them. Most
 * follow a click (carrying its `click_id`, or only the customer's `user_id`),
 * some come long after the attribution window, some never touched a show,
 * and a few are traps that a correct attribution must leave alone (an
 * unknown click id; another retailer's click id, user and product).
 *
 * @example
 * const lines = planOrders(world, sessions, { variantOf: (v) => assigned.get(v)!, clickIdOf: (k) => ids.get(k) });
 */
import { createRandom } from './random.ts';
import { RETAILERS, SHOW_FORMAT_EXPERIMENT, SHOW_LEVEL_EXPERIMENT } from './catalog.ts';
import { priceInCents, type World } from './world.ts';
import type { PlannedClick, PlannedSession } from './sessions.ts';

/** Highest chance that a click becomes an order, whatever the multipliers. */
export const MAX_BUY_RATE = 0.95;
/** Orders by shoppers who never watched, as a share of click-driven purchases (plus a floor). */
export const ORGANIC_ORDER_SHARE = 0.15;
export const MIN_ORGANIC_ORDERS = 2;

export interface OrderLine {
  retailerId: string;
  orderId: string;
  tsMs: number;
  userId: string;
  clickId?: string;
  productId: string;
  quantity: number;
  /** Integer cents (minor units) of `currency`. */
  unitPriceCents: number;
  currency: string;
}

export interface OrderInputs {
  /** The show-format variant the SDK gave a viewer (undefined: not exposed). */
  variantOf(viewerId: string): string | undefined;
  /** The show-level experiment's variant of a show (undefined: not in it). */
  showVariantOf?(showId: string): string | undefined;
  /** The `click_id` the SDK returned for a planned click. */
  clickIdOf(clickKey: string): string | undefined;
}

/** The chance that this click becomes an order, for a viewer in this show-format variant, in a show of this show-level variant. */
export function buyRate(click: PlannedClick, variant: string | undefined, showVariant?: string): number {
  const lift = variant === SHOW_FORMAT_EXPERIMENT.variants[1] ? 1 + SHOW_FORMAT_EXPERIMENT.buyRateLift : 1;
  const showLift = showVariant === SHOW_LEVEL_EXPERIMENT.variants[1] ? 1 + SHOW_LEVEL_EXPERIMENT.buyRateLift : 1;
  return Math.min(MAX_BUY_RATE, click.baseBuyRate * lift * showLift);
}

/** Every order line of the world, sorted by retailer, time and order id. */
export function planOrders(world: World, sessions: readonly PlannedSession[], inputs: OrderInputs): OrderLine[] {
  type Draft = Omit<OrderLine, 'orderId'> & { key: string };
  const drafts: Draft[] = [];
  const purchasesByRetailer = new Map<string, number>();
  let firstClick: { s: PlannedSession; c: PlannedClick; id: string } | undefined;
  for (const s of sessions) {
    for (const c of s.clicks) {
      const clickId = inputs.clickIdOf(c.clickKey);
      if (clickId !== undefined && s.retailerId === RETAILERS[0]!.id && s.userId && !firstClick) firstClick = { s, c, id: clickId };
      if (c.buyDraw >= buyRate(c, inputs.variantOf(s.viewerId), inputs.showVariantOf?.(s.showId))) continue;
      purchasesByRetailer.set(s.retailerId, (purchasesByRetailer.get(s.retailerId) ?? 0) + 1);
      const base = {
        retailerId: s.retailerId,
        tsMs: c.atMs + c.orderDelayMs,
        userId: s.userId ?? `guest-${s.viewerId}`,
        ...(c.userOnly || clickId === undefined ? {} : { clickId }),
        currency: c.currency,
      };
      drafts.push({ ...base, key: c.clickKey, productId: c.productId, quantity: c.quantity, unitPriceCents: c.priceCents });
      if (c.extraLine) drafts.push({ ...base, key: c.clickKey, productId: c.extraLine.productId, quantity: c.extraLine.quantity, unitPriceCents: c.extraLine.priceCents });
    }
  }
  const rng = createRandom(world.options.seed).fork('orders');
  const lastShowEnd = Math.max(...world.shows.map((s) => s.endMs));
  for (const r of RETAILERS) {
    const organic = Math.round(ORGANIC_ORDER_SHARE * (purchasesByRetailer.get(r.id) ?? 0)) + MIN_ORGANIC_ORDERS;
    for (let k = 0; k < organic; k++) {
      const p = rng.pick(r.products);
      const unknownClick = k === 0; // one order carries a click id no show ever produced
      drafts.push({
        key: `organic/${r.id}/${k}`,
        retailerId: r.id,
        tsMs: rng.int(world.options.startMs, lastShowEnd + 6 * 3_600_000),
        userId: `shopper-${r.id}-${k + 1}`,
        ...(unknownClick ? { clickId: `clk-not-from-any-show-${r.id}` } : {}),
        productId: p.id,
        quantity: rng.int(1, 2),
        unitPriceCents: priceInCents(p.price, r.currencies[0]!),
        currency: r.currencies[0]!,
      });
    }
  }
  if (firstClick) {
    // Another retailer's order that reuses this retailer's click id, customer and product: it must stay unattributed.
    const other = RETAILERS[1]!;
    drafts.push({
      key: 'trap/cross-retailer',
      retailerId: other.id,
      tsMs: firstClick.c.atMs + 10 * 60_000,
      userId: firstClick.s.userId!,
      clickId: firstClick.id,
      productId: firstClick.c.productId,
      quantity: 1,
      unitPriceCents: priceInCents(10, other.currencies[0]!),
      currency: other.currencies[0]!,
    });
  }
  // Order ids follow time within each retailer, like a shop's sequence; lines of one purchase share one id.
  drafts.sort((a, b) => a.retailerId.localeCompare(b.retailerId) || a.tsMs - b.tsMs || a.key.localeCompare(b.key));
  const ids = new Map<string, string>();
  const seq = new Map<string, number>();
  return drafts.map(({ key, ...line }) => {
    let orderId = ids.get(key);
    if (!orderId) {
      const n = (seq.get(line.retailerId) ?? 0) + 1;
      seq.set(line.retailerId, n);
      orderId = `${line.retailerId.slice(0, 2)}-${String(n).padStart(6, '0')}`;
      ids.set(key, orderId);
    }
    return { ...line, orderId };
  });
}
