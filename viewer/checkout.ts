/**
 * The demo shop's checkout: a "Buy" on the viewer page becomes one order
 * line (docs/spec.md §3) for the card's product at the catalog's price,
 * carrying the click's `click_id`, imported into the lake like any order
 * export (pipeline/orders), so the buyer finds their revenue in the
 * conversion reports once ingest has landed the click. Prices come from
 * the server's own cards, never from the page. Imports run one at a time;
 * at most MAX_ORDERS_PER_MINUTE per process (a demo, not a shop).
 *
 * @example
 * const checkout = createCheckout({ dataDir, retailerId: 'northwind', cards });
 * await checkout.order({ click_id: 'k_8f…', product_id: 'nw-sneaker', user_id: 'guest-1' }); // { order_id, ... }
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_ID_PATTERN, MAX_ID_CHARS } from '../contract/limits.ts';
import { importOrders } from '../pipeline/orders/import-orders.ts';
import type { ProductCardSpec } from './product-cards.ts';

/** Orders one process accepts per rolling minute; beyond, the checkout answers 429. */
export const MAX_ORDERS_PER_MINUTE = 30;
const MINUTE_MS = 60_000;

export interface CheckoutRequest {
  click_id: string;
  product_id: string;
  user_id: string;
}

export interface PlacedOrder {
  order_id: string;
  ts: number;
  user_id: string;
  click_id: string;
  product_id: string;
  quantity: number;
  unit_price: number;
  currency: string;
}

export class CheckoutRefused extends Error {
  constructor(message: string, readonly status: 400 | 429) {
    super(message);
  }
}

export interface CheckoutOptions {
  dataDir: string;
  retailerId: string;
  cards: readonly ProductCardSpec[];
  now?: () => number;
  /** Default MAX_ORDERS_PER_MINUTE. */
  maxPerMinute?: number;
}

export interface Checkout {
  /** Places and imports the order; throws CheckoutRefused for a bad request or above the rate. */
  order(request: unknown): Promise<PlacedOrder>;
  /** Orders placed since start. */
  placed(): number;
}

const ID = new RegExp(EVENT_ID_PATTERN);

/** Checks a request body: click_id as an event id (the SDK makes both), a product of the cards, a user id ≤ MAX_ID_CHARS. */
export function parseCheckout(body: unknown, cards: readonly ProductCardSpec[]): CheckoutRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { click_id, product_id, user_id } = b;
  if (typeof click_id !== 'string' || !ID.test(click_id)) throw new CheckoutRefused('click_id must be 8 to 64 of [A-Za-z0-9_-] (the click_to_buy event\'s click_id)', 400);
  if (typeof product_id !== 'string' || !cards.some((c) => c.product_id === product_id)) {
    throw new CheckoutRefused(`product_id must be one of the cards: ${cards.map((c) => c.product_id).join(', ')}`, 400);
  }
  if (typeof user_id !== 'string' || user_id.length === 0 || user_id.length > MAX_ID_CHARS) throw new CheckoutRefused(`user_id must be 1 to ${MAX_ID_CHARS} characters`, 400);
  return { click_id, product_id, user_id };
}

export function createCheckout(o: CheckoutOptions): Checkout {
  const now = o.now ?? Date.now;
  const max = o.maxPerMinute ?? MAX_ORDERS_PER_MINUTE;
  const recent: number[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  let placed = 0;
  return {
    placed: () => placed,
    async order(body) {
      const req = parseCheckout(body, o.cards);
      const t = now();
      while (recent.length > 0 && recent[0]! <= t - MINUTE_MS) recent.shift();
      if (recent.length >= max) throw new CheckoutRefused(`at most ${max} demo orders a minute; try again shortly`, 429);
      recent.push(t);
      const card = o.cards.find((c) => c.product_id === req.product_id)!;
      const line: PlacedOrder = {
        order_id: `demo_${randomBytes(9).toString('base64url')}`,
        ts: t,
        user_id: req.user_id,
        click_id: req.click_id,
        product_id: card.product_id,
        quantity: 1,
        unit_price: card.price,
        currency: card.currency,
      };
      const run = chain.then(async () => {
        const dir = await mkdtemp(join(tmpdir(), 'livelens-checkout-'));
        try {
          const file = join(dir, 'order.ndjson');
          await writeFile(file, `${JSON.stringify(line)}\n`);
          const result = await importOrders(file, { dataDir: o.dataDir, retailer: o.retailerId, format: 'ndjson' });
          if (result.loaded !== 1) throw new Error(`the order was not imported: ${result.errors.map((e) => e.error).join('; ')}`);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
      chain = run.catch(() => undefined);
      await run;
      placed++;
      return line;
    },
  };
}
