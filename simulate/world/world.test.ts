import { describe, expect, it } from 'vitest';
import { generateWorld, type WorldOptions } from './world.ts';
import { planSessions } from './sessions.ts';
import { planOrders } from './orders.ts';
import { computeTruth } from '../truth/truth.ts';
import { DEVICES, OFFER_FORMATS, RETAILERS, SHOW_FORMAT_EXPERIMENT, TEASER_FORMAT } from './catalog.ts';
import { DEFAULT_WINDOW_MS } from '../truth/attribution.ts';

const OPTIONS: WorldOptions = { seed: 11, shows: 6, viewers: 600, hours: 6, startMs: Date.UTC(2026, 0, 10) };

/** Stand-ins for what the SDK returns: sequential click ids and alternating variants. */
function sdkStandIns(sessions: ReturnType<typeof planSessions>) {
  const clickIds = new Map<string, string>();
  for (const s of sessions) for (const c of s.clicks) clickIds.set(c.clickKey, `clk-${clickIds.size + 1}`);
  const fmt = new Map<string, string>();
  const aa = new Map<string, string>();
  [...new Set(sessions.map((s) => s.viewerId))].forEach((v, i) => {
    fmt.set(v, SHOW_FORMAT_EXPERIMENT.variants[i % 2]!);
    aa.set(v, i % 4 < 2 ? 'a1' : 'a2');
  });
  return { clickIds, variants: new Map([[SHOW_FORMAT_EXPERIMENT.id, fmt], ['exp-aa-check', aa]]) };
}

describe('the planted world', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(generateWorld(OPTIONS)).toEqual(generateWorld(OPTIONS));
    expect(planSessions(generateWorld(OPTIONS))).toEqual(planSessions(generateWorld(OPTIONS)));
    expect(planSessions(generateWorld({ ...OPTIONS, seed: 12 }))).not.toEqual(planSessions(generateWorld(OPTIONS)));
  });

  it('has two retailers, several currencies, every offer format, every device class and distinct regions', () => {
    const w = generateWorld(OPTIONS);
    expect(new Set(w.shows.map((s) => s.retailerId)).size).toBe(RETAILERS.length);
    expect(new Set(w.offers.map((o) => o.currency)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(w.offers.map((o) => o.format))).toEqual(new Set([...OFFER_FORMATS, TEASER_FORMAT].map((f) => f.format)));
    expect(new Set(w.viewers.map((v) => v.device))).toEqual(new Set(DEVICES.map((d) => d.device)));
    expect(new Set(w.viewers.map((v) => v.region)).size).toBeGreaterThanOrEqual(4);
    expect(w.viewers.some((v) => v.userId) && w.viewers.some((v) => !v.userId)).toBe(true);
    expect(w.viewers.some((v) => v.showIds.length > 1)).toBe(true); // returning viewers
  });

  it('refuses impossible sizes with a message naming the limit', () => {
    expect(() => generateWorld({ ...OPTIONS, shows: 1 })).toThrow(/shows must be an integer of at least 2/);
    expect(() => generateWorld({ ...OPTIONS, viewers: 0 })).toThrow(/viewers must be an integer of at least 1/);
    expect(() => generateWorld({ ...OPTIONS, hours: 0 })).toThrow(/hours must be more than 0/);
  });

  it('plans sessions that keep to the show and to the player\'s logic', () => {
    const w = generateWorld(OPTIONS);
    const shows = new Map(w.shows.map((s) => [s.showId, s]));
    const sessions = planSessions(w);
    expect(sessions.some((s) => s.fatal)).toBe(true);
    expect(sessions.some((s) => s.sessionKey.endsWith('/2'))).toBe(true); // rejoins
    for (const s of sessions) {
      const show = shows.get(s.showId)!;
      expect(s.joinMs).toBeGreaterThanOrEqual(show.startMs);
      expect(s.leaveMs).toBeLessThanOrEqual(show.endMs);
      expect(s.leaveMs).toBeGreaterThan(s.joinMs);
      if (s.fatal || s.exitsBeforeStart) expect(s.cues.length + s.clicks.length + s.rebuffers.length + s.chats.length).toBe(0);
      if (s.exitsBeforeStart) {
        expect(s.fatal).toBe(false);
        expect(s.leaveMs).toBeLessThan(s.joinMs + s.startupMs); // gone before the first frame
      }
      let free = s.joinMs + s.startupMs;
      for (const r of s.rebuffers) {
        expect(r.atMs).toBeGreaterThanOrEqual(free);
        free = r.atMs + r.durationMs;
      }
      if (!s.fatal && !s.exitsBeforeStart) expect(free).toBeLessThan(s.leaveMs);
      for (const c of s.clicks) {
        const seen = s.cues.find((q) => q.offerId === c.offerId)!;
        expect(c.atMs).toBeGreaterThan(seen.atMs);
        expect(c.atMs).toBeLessThan(s.leaveMs);
      }
    }
  });

  it('plans every kind of order: by click id, by user only, late, organic, and the traps', () => {
    const w = generateWorld(OPTIONS);
    const sessions = planSessions(w);
    const { clickIds, variants } = sdkStandIns(sessions);
    const lines = planOrders(w, sessions, { variantOf: (v) => variants.get(SHOW_FORMAT_EXPERIMENT.id)!.get(v), clickIdOf: (k) => clickIds.get(k) });
    const ids = new Set(clickIds.values());
    expect(lines.some((l) => l.clickId && ids.has(l.clickId))).toBe(true);
    expect(lines.some((l) => !l.clickId && l.userId.startsWith('u-'))).toBe(true);
    expect(lines.some((l) => l.userId.startsWith('shopper-'))).toBe(true);
    expect(lines.some((l) => l.clickId?.startsWith('clk-not-from-any-show'))).toBe(true);
    expect(new Set(lines.map((l) => l.orderId)).size).toBeLessThan(lines.length); // multi-line orders
    const clickAt = new Map(sessions.flatMap((s) => s.clicks.map((c) => [clickIds.get(c.clickKey)!, c.atMs] as const)));
    expect(lines.some((l) => l.clickId && clickAt.has(l.clickId) && l.tsMs - clickAt.get(l.clickId)! > DEFAULT_WINDOW_MS)).toBe(true);
  });
});

describe('the ground truth', () => {
  const w = generateWorld(OPTIONS);
  const sessions = planSessions(w);
  const { clickIds, variants } = sdkStandIns(sessions);
  const lines = planOrders(w, sessions, { variantOf: (v) => variants.get(SHOW_FORMAT_EXPERIMENT.id)!.get(v), clickIdOf: (k) => clickIds.get(k) });
  const truth = computeTruth({ world: w, sessions, lines, clickIds, variants });

  it('splits groups by currency, repeating viewers and clickers, and leaves groups without sales one null row', () => {
    const multi = truth.conversion.creator.filter((r) => r.creator_id === 'cr-ava');
    expect(multi.length).toBeGreaterThan(1);
    expect(new Set(multi.map((r) => r.viewers)).size).toBe(1);
    for (const dim of ['creator', 'show', 'offer', 'region'] as const) {
      for (const r of truth.conversion[dim]) {
        expect(r.buyers).toBeLessThanOrEqual(r.clickers);
        expect(r.clickers).toBeLessThanOrEqual(r.viewers);
        if (r.currency === null) expect([r.buyers, r.orders, r.units, r.revenue]).toEqual([0, 0, 0, 0]);
      }
    }
    // The teaser offers were seen and clicked but never sold: one row each, currency null.
    const teasers = truth.conversion.offer.filter((r) => String(r.offer_id).endsWith('-teaser'));
    expect(teasers).toHaveLength(RETAILERS.length);
    for (const t of teasers) expect(t.currency).toBeNull();
    expect(teasers.some((t) => t.clickers > 0)).toBe(true);
    // Each attributed line lands in exactly one creator row: units add up to the attributed total.
    const units = truth.conversion.creator.reduce((t, r) => t + r.units, 0);
    expect(units).toBeGreaterThan(0);
    expect(truth.conversion.region.reduce((t, r) => t + r.units, 0)).toBe(units);
    const revenue = Object.values(truth.totals.revenue_by_currency).reduce((a, b) => a + b, 0);
    expect(truth.conversion.show.reduce((t, r) => t + r.revenue, 0)).toBeCloseTo(revenue, 6);
    expect(truth.totals.attributed_lines).toBeLessThan(truth.totals.order_lines);
  });

  it('counts viewers per creator from the sessions, by hand', () => {
    const ava = new Set(sessions.filter((s) => s.creatorId === 'cr-ava').map((s) => s.viewerId)).size;
    expect(truth.conversion.creator.find((r) => r.creator_id === 'cr-ava')!.viewers).toBe(ava);
  });

  it('lets stars host every other show and gives warmer planted audiences more returning viewers', () => {
    const w10 = generateWorld({ ...OPTIONS, shows: 10 });
    expect(w10.shows.filter((s) => s.retailerId === 'northwind').map((s) => s.creatorId)).toEqual(['cr-ava', 'cr-ben', 'cr-ava', 'cr-cleo', 'cr-ava']);
    const s10 = planSessions(w10);
    const t10 = computeTruth({ world: w10, sessions: s10, lines: [], ...sdkStandIns(s10) });
    const share = new Map(t10.audience.creator.map((r) => [r.creator_id, r.returning_share]));
    expect(share.get('cr-ava')!).toBeGreaterThan(0.2);
    expect(share.get('cr-ben')).toBe(0); // one show: nobody can return
    expect(share.get('cr-dora')!).toBeGreaterThan(share.get('cr-emil')!); // both host twice or more; return rates 0.35 vs 0.15
  });

  it('shows the regions planted as slower and less stable as worse', () => {
    const q = new Map(truth.qoe.region.filter((r) => r.retailer_id === 'northwind').map((r) => [r.region, r]));
    expect(q.get('IN')!.latency_p50_ms!).toBeGreaterThan(q.get('US')!.latency_p50_ms!);
    expect(q.get('IN')!.rebuffer_pct).toBeGreaterThan(q.get('US')!.rebuffer_pct);
    expect(q.get('BR')!.startup_p50_ms!).toBeGreaterThan(q.get('US')!.startup_p50_ms!);
  });

  it('plants exits before video start, more of them where startup is slow', () => {
    const exits = sessions.filter((s) => s.exitsBeforeStart);
    expect(exits.length).toBeGreaterThan(0);
    // Patience is exponential: the exit chance rises with the planted startup.
    const slow = sessions.filter((s) => !s.fatal && s.startupMs >= 3000);
    const fast = sessions.filter((s) => !s.fatal && s.startupMs < 1000);
    const share = (list: typeof sessions) => list.filter((s) => s.exitsBeforeStart).length / list.length;
    expect(share(slow)).toBeGreaterThan(share(fast));
    const all = truth.qoe.region.reduce((t, r) => t + (r.ebvs_pct * r.sessions) / 100, 0);
    expect(all).toBeCloseTo(exits.length, 9);
    const q = new Map(truth.qoe.region.filter((r) => r.retailer_id === 'northwind').map((r) => [r.region, r]));
    expect(q.get('IN')!.ebvs_pct).toBeGreaterThan(q.get('US')!.ebvs_pct);
  });

  it('gives the planted experiment a positive true lift and splits viewers between the arms', () => {
    const e = truth.experiments[SHOW_FORMAT_EXPERIMENT.id]!;
    expect(e.true_relative_lift).toBeGreaterThan(0.1);
    // Per click the lift is buyRateLift; per viewer, in a finite sample, it scatters around it.
    expect(e.true_relative_lift).toBeLessThan(2 * SHOW_FORMAT_EXPERIMENT.buyRateLift);
    expect(e.variants.reduce((t, v) => t + v.viewers, 0)).toBe(truth.totals.viewers);
    expect(truth.experiments['exp-aa-check']!.true_relative_lift).toBe(0);
  });
});
