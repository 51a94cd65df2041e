import { describe, expect, it } from 'vitest';
import { parseProductCue } from '../sdk/ivs.ts';
import { CUE_REPEAT_S, cueSchedule, MAX_CARDS, productCards } from './product-cards.ts';

describe('product cards and their cue schedule', () => {
  it('takes the retailer\'s catalog products, priced in its home currency', () => {
    const cards = productCards('northwind');
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.length).toBeLessThanOrEqual(MAX_CARDS);
    expect(cards[0]).toMatchObject({ product_id: 'nw-sneaker', name: 'Sneaker', price: 89.99, currency: 'USD', card_id: 'card-1' });
    expect(productCards('not-in-catalog').length).toBeGreaterThan(0);
  });

  it('repeats each card\'s cue every CUE_REPEAT_S while it shows, then clears it; the SDK reads every cue', () => {
    const cards = productCards('northwind').slice(0, 2);
    const { cues, durationS } = cueSchedule(cards, { cardS: 6, gapS: 2 });
    expect(durationS).toBe(16);
    const read = cues.map((c) => ({ at: c.atS, card: parseProductCue(c.text) }));
    expect(read.every((r) => r.card !== undefined)).toBe(true);
    expect(read.filter((r) => r.card?.productId === cards[0]!.product_id).map((r) => r.at)).toEqual([0, CUE_REPEAT_S, 2 * CUE_REPEAT_S]);
    expect(read.filter((r) => r.card === null).map((r) => r.at)).toEqual([6, 14]);
    expect(read.find((r) => r.at === 8)?.card).toMatchObject({ productId: cards[1]!.product_id, offerId: cards[1]!.offer_id, cardId: 'card-2' });
  });

  it('refuses a card shorter than one repeat or no gap', () => {
    expect(() => cueSchedule(productCards('northwind'), { cardS: 1 })).toThrow(/at least/);
    expect(() => cueSchedule(productCards('northwind'), { gapS: 0 })).toThrow(/gap/);
  });
});
