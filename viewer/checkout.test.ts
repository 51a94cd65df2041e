import { describe, expect, it } from 'vitest';
import { readLake, useTempDataDirs } from '../test/ingest-fixtures.ts';
import { CheckoutRefused, createCheckout, parseCheckout } from './checkout.ts';
import { productCards } from './product-cards.ts';

const cards = productCards('northwind');
const good = { click_id: 'click_0001', product_id: 'nw-cap', user_id: 'guest-1' };

describe('demo checkout', () => {
  const tempDir = useTempDataDirs();

  it('refuses a bad click id, a product not on a card and a missing user, naming what is allowed', () => {
    const refused = (body: unknown) => {
      try {
        parseCheckout(body, cards);
      } catch (err) {
        expect(err).toBeInstanceOf(CheckoutRefused);
        return (err as CheckoutRefused).message;
      }
      return 'accepted';
    };
    expect(refused({ ...good, click_id: 'x' })).toMatch(/click_id must be 8 to 64/);
    expect(refused({ ...good, product_id: 'lm-serum' })).toMatch(/one of the cards: nw-sneaker/);
    expect(refused({ ...good, user_id: '' })).toMatch(/user_id/);
    expect(refused(null)).toMatch(/click_id/);
    expect(refused(good)).toBe('accepted');
  });

  it('imports one order line at the card\'s price with the click id; beyond the rate, 429 until a minute has passed', async () => {
    const dataDir = tempDir();
    let t = Date.UTC(2026, 11, 1, 12);
    const checkout = createCheckout({ dataDir, retailerId: 'northwind', cards, now: () => t, maxPerMinute: 1 });
    const placed = await checkout.order({ ...good, unit_price: 0.01 }); // the page's price, if any, is ignored
    expect(placed).toMatchObject({ click_id: 'click_0001', product_id: 'nw-cap', quantity: 1, unit_price: 19.99, currency: 'USD', ts: t });
    await expect(checkout.order(good)).rejects.toMatchObject({ status: 429 });
    t += 60_001;
    await checkout.order({ ...good, click_id: 'click_0002' });
    const rows = await readLake(dataDir, 'orders', 'click_id');
    expect(rows.map((r) => [r.retailer_id, r.click_id, r.user_id, r.unit_price])).toEqual([
      ['northwind', 'click_0001', 'guest-1', 19.99],
      ['northwind', 'click_0002', 'guest-1', 19.99],
    ]);
    expect(checkout.placed()).toBe(2);
  });
});
