import { describe, expect, it } from 'vitest';
import { HISTORY_SPAN_MS, HISTORY_STEP_MS, LiveHistory, MAX_HISTORY_GROUPS } from './history.ts';
import type { LiveFigures, LiveSnapshot } from './snapshot.ts';

const T0 = 1_800_000_000_000; // a whole step
const FIGURES: LiveFigures = {
  concurrent_viewers: 0, sessions: 1, startup_p50_ms: null, startup_p95_ms: null, rebuffer_pct: null, latency_p50_ms: null,
  latency_p95_ms: null, playback_failure_pct: 0, ebvs_pct: 0, events_per_s: 1, clicks: 0, chat_messages: 0,
};

function snapshot(at: number, groups: Array<{ retailer: string; region: string; viewers: number; latency: number | null }>): LiveSnapshot {
  return {
    at,
    window_s: 300,
    groups: groups.map((g) => ({ ...FIGURES, retailer_id: g.retailer, region: g.region, concurrent_viewers: g.viewers, latency_p95_ms: g.latency })),
    shows: groups.map((g) => ({ ...FIGURES, retailer_id: g.retailer, show_id: `show-${g.region}`, concurrent_viewers: g.viewers, latency_p95_ms: g.latency })),
  };
}

describe('LiveHistory (the sparklines)', () => {
  it('keeps one point per step of concurrent viewers and latency p95, for the last 30 minutes', () => {
    const h = new LiveHistory();
    // 40 minutes of snapshots, one a second as the live view takes them.
    const seconds = 40 * 60;
    for (let s = 0; s <= seconds; s++) h.record(snapshot(T0 + s * 1_000, [{ retailer: 'acme', region: 'BR', viewers: s, latency: s % 7 === 0 ? null : 1_000 + s }]));
    const { step_s, span_s, groups, shows } = h.toJSON();
    expect([step_s, span_s]).toEqual([HISTORY_STEP_MS / 1_000, HISTORY_SPAN_MS / 1_000]);
    const points = groups[0]!.points;
    expect(points).toHaveLength(HISTORY_SPAN_MS / HISTORY_STEP_MS);
    const last = T0 + seconds * 1_000;
    expect(points[points.length - 1]).toEqual([last, seconds, seconds % 7 === 0 ? null : 1_000 + seconds]);
    expect(points[0]![0]).toBe(last - HISTORY_SPAN_MS + HISTORY_STEP_MS); // older than 30 minutes: gone
    for (let i = 1; i < points.length; i++) expect(points[i]![0] - points[i - 1]![0]).toBe(HISTORY_STEP_MS);
    // The snapshot's own numbers at each point, nulls kept.
    for (const [at, viewers, latency] of points) {
      const s = (at - T0) / 1_000;
      expect([viewers, latency]).toEqual([s, s % 7 === 0 ? null : 1_000 + s]);
    }
    expect(shows[0]).toMatchObject({ retailer_id: 'acme', show_id: 'show-BR' });
    expect(shows[0]!.points).toEqual(points);
  });

  it('scopes by retailer, drops a group silent for 30 minutes, and caps the groups kept', () => {
    const h = new LiveHistory();
    h.record(snapshot(T0, [{ retailer: 'acme', region: 'BR', viewers: 3, latency: 900 }, { retailer: 'globex', region: 'US', viewers: 5, latency: 800 }]));
    expect(h.toJSON('acme').groups.map((g) => g.retailer_id)).toEqual(['acme']);
    expect(h.toJSON('globex').shows.map((g) => g.show_id)).toEqual(['show-US']);
    expect(h.toJSON().groups).toHaveLength(2);
    // Only globex goes on; acme's last point leaves the 30 minutes, and with it the group.
    h.record(snapshot(T0 + HISTORY_SPAN_MS - HISTORY_STEP_MS, [{ retailer: 'globex', region: 'US', viewers: 5, latency: 800 }]));
    expect(h.toJSON('acme').groups).toHaveLength(1);
    h.record(snapshot(T0 + HISTORY_SPAN_MS, [{ retailer: 'globex', region: 'US', viewers: 5, latency: 800 }]));
    expect(h.toJSON('acme')).toMatchObject({ groups: [], shows: [] });
    expect(h.toJSON('globex').groups[0]!.points).toHaveLength(2);

    const many = new LiveHistory();
    const regions = Array.from({ length: MAX_HISTORY_GROUPS }, (_, i) => ({ retailer: 'acme', region: `R${i}`, viewers: 1, latency: null }));
    many.record(snapshot(T0, regions)); // MAX_HISTORY_GROUPS regions and as many shows
    const { groups, shows } = many.toJSON();
    expect(groups.length + shows.length).toBe(MAX_HISTORY_GROUPS);
    expect(groups).toHaveLength(0); // the regions were recorded first: the oldest, dropped first
  });
});
