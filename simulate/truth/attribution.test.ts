import { describe, expect, it } from 'vitest';
import { attribute, DEFAULT_WINDOW_MS, type ClickFact } from './attribution.ts';
import type { OrderLine } from '../world/orders.ts';

const H = 3_600_000;
function click(id: string, atMs: number, over: Partial<ClickFact> = {}): ClickFact {
  return { clickId: id, retailerId: 'r1', viewerId: 'v1', userId: 'u1', productId: 'p1', offerId: 'o1', showId: 's1', creatorId: 'c1', region: 'US', atMs, ...over };
}
function line(tsMs: number, over: Partial<OrderLine> = {}): OrderLine {
  return { retailerId: 'r1', orderId: 'o-1', tsMs, userId: 'u1', productId: 'p1', quantity: 1, unitPriceCents: 100, currency: 'USD', ...over };
}

describe('reference attribution (docs/spec.md §4)', () => {
  it('rule 1: the click with the same click_id, at or after it and within the window (edges inclusive)', () => {
    const c = click('k1', 10 * H, { userId: undefined });
    const atClick = line(10 * H, { clickId: 'k1' });
    const atEdge = line(10 * H + DEFAULT_WINDOW_MS, { clickId: 'k1' });
    const past = line(10 * H + DEFAULT_WINDOW_MS + 1, { clickId: 'k1' });
    const before = line(10 * H - 1, { clickId: 'k1' });
    const got = attribute([c], [atClick, atEdge, past, before]);
    expect(got.get(atClick)).toBe(c);
    expect(got.get(atEdge)).toBe(c);
    expect(got.has(past)).toBe(false);
    expect(got.has(before)).toBe(false);
  });

  it('rule 2: else the latest earlier click by the same user on the same product; later clicks and other products do not count', () => {
    const early = click('k1', 1 * H);
    const late = click('k2', 2 * H);
    const after = click('k3', 4 * H);
    const other = click('k4', 2.5 * H, { productId: 'p2' });
    const l = line(3 * H);
    expect(attribute([early, late, after, other], [l]).get(l)).toBe(late);
  });

  it('rule 2 also rescues a line whose click_id is unknown or outside the window', () => {
    const byUser = click('k2', 20 * H);
    const stale = click('k1', 0);
    const l = line(30 * H, { clickId: 'k1' });
    expect(attribute([stale, byUser], [l]).get(l)).toBe(byUser);
  });

  it('never joins another retailer\'s click, by click_id or by user and product', () => {
    const c = click('k1', 0);
    const l = line(H, { retailerId: 'r2', clickId: 'k1' });
    expect(attribute([c], [l]).size).toBe(0);
  });

});
