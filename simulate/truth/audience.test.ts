import { describe, expect, it } from 'vitest';
import type { ClickFact } from './attribution.ts';
import type { OrderLine } from '../world/orders.ts';
import type { PlannedSession } from '../world/sessions.ts';
import { audienceRows } from './audience.ts';

function session(viewerId: string, showId: string, creatorId = 'c1'): PlannedSession {
  return {
    sessionKey: `${viewerId}/${showId}/1`, viewerId, showId, creatorId, retailerId: 'r1', region: 'US', device: 'desktop', userAgent: 'UA', clockOffsetMs: 0,
    joinMs: 0, leaveMs: 60_000, endedByShow: false, fatal: false, exitsBeforeStart: false, startupMs: 1000, latencyMs: 3000, rebuffers: [], chats: [], cues: [], clicks: [],
  };
}
const click = (viewerId: string, creatorId = 'c1'): ClickFact => ({ clickId: `k-${viewerId}`, retailerId: 'r1', viewerId, productId: 'p', offerId: 'o', showId: 's1', creatorId, region: 'US', atMs: 0 });
const line = (id: string): OrderLine => ({ retailerId: 'r1', orderId: id, tsMs: 1, userId: 'u', productId: 'p', quantity: 1, unitPriceCents: 100, currency: 'USD' });

describe('audienceRows (docs/spec.md §4b)', () => {
  it('counts viewers of two or more distinct shows as returning, and converts each group on its own', () => {
    // v1 watches s1 twice (one show) and s2: returning, buyer. v2: s1 only, buyer. v3: s1 and s2: returning, no buyer. v4: s2 only.
    const sessions = [session('v1', 's1'), { ...session('v1', 's1'), sessionKey: 'v1/s1/2' }, session('v1', 's2'), session('v2', 's1'), session('v3', 's1'), session('v3', 's2'), session('v4', 's2'), session('v1', 's9', 'c2')];
    const attributed = new Map<OrderLine, ClickFact>([[line('o1'), click('v1')], [line('o2'), click('v2')], [line('o3'), click('v4', 'c2')]]);
    expect(audienceRows(sessions, attributed)).toEqual([
      { retailer_id: 'r1', creator_id: 'c1', viewers: 4, returning_viewers: 2, returning_share: 0.5, conversion_rate_returning: 0.5, conversion_rate_new: 0.5 },
      { retailer_id: 'r1', creator_id: 'c2', viewers: 1, returning_viewers: 0, returning_share: 0, conversion_rate_returning: null, conversion_rate_new: 0 },
    ]);
  });
});
