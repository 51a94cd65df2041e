import { describe, expect, it } from 'vitest';
import { createRandom } from '../simulate/world/random.ts';
import { LiveAggregator } from './aggregator.ts';
import { SKETCH_RELATIVE_ACCURACY } from './limits.ts';
import { liveEvents } from './testing/events.ts';

const AT = 1_800_000_000_000; // a whole second
const W = 60; // window_s in these tests

describe('LiveAggregator windows (hand-computed)', () => {
  it('counts events with received_at in (at − W, at] and event_time ≥ at − W', () => {
    const ev = liveEvents();
    const agg = new LiveAggregator({ windowS: W });
    agg.add(ev.chat({ at: AT - 60_000 })); // on the open edge: out
    agg.add(ev.chat({ at: AT - 59_999 })); // in
    agg.add(ev.click({ at: AT })); // closed edge: in
    agg.add(ev.chat({ at: AT - 1_000, eventTime: AT - 60_001 })); // late delivery: event_time too old, out
    agg.add(ev.chat({ at: AT - 1_000, eventTime: AT - 60_000 })); // event_time exactly at − W: in
    const [g] = agg.snapshot(AT).groups;
    expect(g).toMatchObject({ retailer_id: 'acme', region: 'BR', clicks: 1, chat_messages: 2 });
    expect(g!.events_per_s).toBe(Math.round((3 / 60) * 1000) / 1000);
    // One second later the event at AT − 59,999 and the one timed AT − 60,000 have left the window.
    const later = agg.snapshot(AT + 1_000).groups[0]!;
    expect(later.chat_messages).toBe(0);
    expect(later.clicks).toBe(1);
  });

  it('concurrent viewers: distinct viewers with a heartbeat received in (at − 30 s, at]', () => {
    const ev = liveEvents();
    const agg = new LiveAggregator({ windowS: W });
    agg.add(ev.heartbeat({ at: AT - 30_000, viewer: 'old' }));
    agg.add(ev.heartbeat({ at: AT - 29_999, viewer: 'a' }));
    agg.add(ev.heartbeat({ at: AT - 20_000, viewer: 'a' }));
    agg.add(ev.heartbeat({ at: AT - 5_000, viewer: 'b', region: 'US' }));
    agg.add(ev.chat({ at: AT - 1_000, viewer: 'c' })); // no heartbeat: not concurrent
    const snap = agg.snapshot(AT);
    expect(snap.groups.map((g) => [g.region, g.concurrent_viewers])).toEqual([['BR', 1], ['US', 1]]);
    expect(snap.shows.map((g) => [g.show_id, g.concurrent_viewers])).toEqual([['show1', 2]]);
    expect(agg.snapshot(AT + 10_001).shows[0]!.concurrent_viewers).toBe(1); // a's last at AT − 20,000 expired
  });

  it('rebuffer %, session ratios over sessions whose first event is in the window, nulls without data', () => {
    const ev = liveEvents();
    const agg = new LiveAggregator({ windowS: W });
    agg.add(ev.heartbeat({ at: AT - 61_000, session: 's0' })); // s0 began before the window
    agg.add(ev.startup({ at: AT - 50_000, session: 's1', ms: 1_000 }));
    agg.add(ev.heartbeat({ at: AT - 40_000, session: 's1', watch: 9_000 }));
    agg.add(ev.bufferEnd({ at: AT - 39_000, session: 's1', ms: 2_000 }));
    agg.add(ev.fatal({ at: AT - 30_000, session: 's2' }));
    agg.add(ev.heartbeat({ at: AT - 20_000, session: 's3', watch: 9_000 }));
    agg.add(ev.heartbeat({ at: AT - 10_000, session: 's0', watch: 0 }));
    const g = agg.snapshot(AT).groups[0]!;
    expect(g.sessions).toBe(3);
    expect(g.rebuffer_pct).toBe(10); // 2000 / (9000 + 9000 + 0 + 2000)
    expect(g.playback_failure_pct).toBe(33.333); // s2 of s1, s2, s3
    expect(g.ebvs_pct).toBe(33.333); // s3: neither startup nor fatal error
    expect(g.startup_p50_ms).toBeCloseTo(1_000, -1);
    expect(g.latency_p50_ms).toBeNull();

    const quiet = new LiveAggregator({ windowS: W });
    quiet.add(ev.chat({ at: AT - 1_000 }));
    expect(quiet.snapshot(AT).groups[0]).toMatchObject({
      concurrent_viewers: 0, startup_p50_ms: null, startup_p95_ms: null, rebuffer_pct: null,
      latency_p50_ms: null, latency_p95_ms: null, playback_failure_pct: 0, ebvs_pct: 100,
    });
  });

  it('counts a duplicated delivery (same event_id) once within the window', () => {
    const ev = liveEvents();
    const agg = new LiveAggregator({ windowS: W });
    const click = ev.click({ at: AT - 2_000 });
    expect(agg.add(click)).toBe(true);
    expect(agg.add({ ...click, received_at: AT - 1_000 })).toBe(false);
    expect(agg.snapshot(AT).groups[0]!.clicks).toBe(1);
    expect(agg.dropped().duplicates).toBe(1);
  });

  it('drops groups with nothing left in the window', () => {
    const ev = liveEvents();
    const agg = new LiveAggregator({ windowS: W });
    agg.add(ev.chat({ at: AT - 1_000 }));
    expect(agg.snapshot(AT).groups).toHaveLength(1);
    expect(agg.snapshot(AT + 60_000).groups).toHaveLength(0);
  });

  it('scopes exposures per experiment: distinct viewers per variant, first variant wins', () => {
    const ev = liveEvents();
    const agg = new LiveAggregator({ windowS: W });
    agg.add(ev.exposure({ at: AT - 1_000, viewer: 'a', experiment: 'x1', variant: 'A' }));
    agg.add(ev.exposure({ at: AT - 900, viewer: 'a', experiment: 'x1', variant: 'B' }));
    agg.add(ev.exposure({ at: AT - 800, viewer: 'b', experiment: 'x1', variant: 'B' }));
    expect(agg.experimentCounts(AT)).toEqual([{ retailer_id: 'acme', experiment_id: 'x1', variants: { A: 1, B: 1 }, last_seen: AT - 800 }]);
  });
});

describe('LiveAggregator percentiles (DDSketch)', () => {
  it(`latency and startup p50/p95 are within ${SKETCH_RELATIVE_ACCURACY * 100}% of the exact order statistic`, () => {
    const rng = createRandom(7);
    const ev = liveEvents();
    const agg = new LiveAggregator({ windowS: W });
    const latencies: number[] = [];
    const startups: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const latency = Math.round(rng.logNormal(3_000, 0.6));
      latencies.push(latency);
      agg.add(ev.heartbeat({ at: AT - 50_000 + (i % 50_000), viewer: `v${i % 500}`, latency }));
    }
    for (let i = 0; i < 5_000; i++) {
      const ms = Math.round(rng.logNormal(1_200, 0.8)); // a long tail, unlike latency's
      startups.push(ms);
      agg.add(ev.startup({ at: AT - 50_000 + i * 10, session: `st${i}`, ms }));
    }
    const g = agg.snapshot(AT).groups[0]!;
    const cases = [[latencies, 0.5, g.latency_p50_ms], [latencies, 0.95, g.latency_p95_ms], [startups, 0.5, g.startup_p50_ms], [startups, 0.95, g.startup_p95_ms]] as const;
    for (const [values, q, got] of cases) {
      const sorted = [...values].sort((a, b) => a - b);
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      // The sketch's guarantee plus 0.1 ms of rounding.
      expect(Math.abs(got! - exact)).toBeLessThanOrEqual(exact * SKETCH_RELATIVE_ACCURACY + 0.1);
    }
  });
});

describe('LiveAggregator memory bounds', () => {
  it('keeps at most its caps with a million distinct viewers, evicting the oldest and counting them', () => {
    const agg = new LiveAggregator({ windowS: W, limits: { maxViewers: 50_000, maxSessions: 50_000, maxEventIds: 100_000, maxGroups: 100 } });
    const event = liveEvents('m').heartbeat({ at: AT - 20_000 });
    const N = 1_000_000;
    const started = Date.now();
    for (let i = 0; i < N; i++) {
      // One event object re-used (the aggregator keeps no reference to it): 100 viewers per ms, all inside the 30 s concurrency window.
      event.event_id = `m_${i}`;
      event.viewer_id = `viewer${i}`;
      event.session_id = `s${i}`;
      event.show_id = `show${Math.floor(i / 5_000)}`;
      event.received_at = event.event_time = AT - 20_000 + Math.floor(i / 100);
      agg.add(event);
    }
    const sizes = agg.sizes();
    expect(sizes.viewers).toBe(50_000);
    expect(sizes.sessions).toBe(50_000);
    expect(sizes.event_ids).toBe(100_000);
    expect(sizes.groups).toBeLessThanOrEqual(200);
    const dropped = agg.dropped();
    expect(dropped.viewers).toBe(N - 50_000);
    expect(dropped.sessions).toBe(N - 50_000);
    expect(dropped.event_ids).toBe(N - 100_000);
    expect(dropped.groups).toBe(100); // 200 shows through a cap of 100
    const snap = agg.snapshot(AT);
    const concurrent = snap.groups.reduce((s, g) => s + g.concurrent_viewers, 0);
    expect(concurrent).toBe(50_000); // the newest 50,000 viewers, all in region BR
    // Linear, not quadratic: a few seconds of CPU; the bound tolerates a loaded shared machine.
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
