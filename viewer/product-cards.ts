/**
 * The viewer page's product cards and their schedule: the retailer's
 * catalog (simulate/world/catalog.ts, so that orders name real products),
 * one card after another, each on screen for `cardS` seconds with its cue
 * repeated every CUE_REPEAT_S (viewers who join mid-card still get it),
 * then a `product_end` and a pause of `gapS`. The cue texts are the SDK's
 * product-card cues (sdk/ivs.ts parseProductCue), written as ID3 timed
 * metadata into the stream (id3-track.ts).
 *
 * @example
 * const cards = productCards('northwind');
 * const { cues, durationS } = cueSchedule(cards);   // → timedId3Track(cues, durationS)
 */
import { RETAILERS } from '../simulate/world/catalog.ts';
import type { TimedCue } from './id3-track.ts';

/** A card's cue is written again this often while it is on screen (s). */
export const CUE_REPEAT_S = 2;
/** Default time a card stays on screen, and the pause before the next (s). */
export const CARD_SHOW_S = 24;
export const CARD_GAP_S = 6;
/** Cards in the rotation (the first products of the catalog). */
export const MAX_CARDS = 4;

/** One card: what the cue names (product, offer, card) and what the page shows (name, price). */
export interface ProductCardSpec {
  product_id: string;
  offer_id: string;
  card_id: string;
  name: string;
  price: number;
  currency: string;
}

/** 'nw-sneaker' → 'Sneaker'. */
function displayName(productId: string): string {
  const bare = productId.replace(/^[a-z]+-/, '').replace(/-/g, ' ');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

/** The first MAX_CARDS products of `retailerId` as cards (its home currency); a retailer outside the catalog gets generic ones. */
export function productCards(retailerId: string): ProductCardSpec[] {
  const retailer = RETAILERS.find((r) => r.id === retailerId);
  const products = retailer?.products ?? [{ id: 'demo-tote', price: 24 }, { id: 'demo-mug', price: 12.5 }];
  const currency = retailer?.currencies[0] ?? 'USD';
  return products.slice(0, MAX_CARDS).map((p, i) => ({
    product_id: p.id,
    offer_id: `live-${p.id}`,
    card_id: `card-${i + 1}`,
    name: displayName(p.id),
    price: p.price,
    currency,
  }));
}

/** The cue of a card as the SDK reads it. */
export function cardCue(card: ProductCardSpec): string {
  return JSON.stringify({ type: 'product', product_id: card.product_id, offer_id: card.offer_id, card_id: card.card_id });
}

/** The cue that clears the card. */
export const PRODUCT_END_CUE = JSON.stringify({ type: 'product_end' });

/** The timed cues of one rotation through `cards` and its length (s); the stream loops it. */
export function cueSchedule(cards: readonly ProductCardSpec[], o: { cardS?: number; gapS?: number } = {}): { cues: TimedCue[]; durationS: number } {
  const cardS = o.cardS ?? CARD_SHOW_S;
  const gapS = o.gapS ?? CARD_GAP_S;
  if (!(cardS >= CUE_REPEAT_S) || !(gapS > 0)) throw new Error(`cardS ${cardS} and gapS ${gapS}: a card shows at least ${CUE_REPEAT_S} s and the gap is above 0 s`);
  if (cards.length === 0) throw new Error('a cue schedule needs at least one card');
  const cues: TimedCue[] = [];
  let t = 0;
  for (const card of cards) {
    for (let s = 0; s < cardS; s += CUE_REPEAT_S) cues.push({ atS: t + s, text: cardCue(card) });
    cues.push({ atS: t + cardS, text: PRODUCT_END_CUE });
    t += cardS + gapS;
  }
  return { cues, durationS: t };
}
