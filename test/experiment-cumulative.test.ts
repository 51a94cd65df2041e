/**
 * The cumulative lift by day of first exposure (report
 * experiment-cumulative; the Experiments view's chart) against the
 * experiment report restricted to the same viewers: over a three-day
 * experiment, the point of day 2 equals the experiment report run on a lake
 * holding only the events of the viewers first exposed by the end of day 2
 * (all of their events, later days included: each viewer is measured up to
 * the end of the period in both), and the last day's point equals the
 * report over everyone. Per-viewer sums per exposure day come from SQL, the
 * statistics from stats/ through the report's own rows, Holm-corrected.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine, type DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { Row } from '../pipeline/engine/engine.ts';
import { runReportRequest } from '../pipeline/reports/index.ts';
import { eventRow, HOUR_MS, MINUTE_MS, orderRow, tempDataDir, writeLakeTable, type FixtureRow } from './queries-fixtures.ts';

const DAY_MS = 24 * HOUR_MS;
/** Day 1 of the experiment, 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 2);
const DAYS = 3;
const VIEWERS_PER_DAY = 10;
const PARAMS = { id: 'cum', correction: 'holm' };

interface Fixture {
  events: FixtureRow[];
  orders: FixtureRow[];
  /** Each viewer's first exposure. */
  exposedAt: Map<string, number>;
}

/** Three days of viewers, half in each variant; the treatment watches longer (more so each day) and buys a little more; some come back on later days. */
function fixture(): Fixture {
  const events: FixtureRow[] = [];
  const orders: FixtureRow[] = [];
  const exposedAt = new Map<string, number>();
  for (let day = 0; day < DAYS; day++) {
    for (let i = 0; i < VIEWERS_PER_DAY; i++) {
      const viewer = `v${day}-${i}`;
      const treated = i % 2 === 1;
      const at = D0 + day * DAY_MS + (8 + i) * HOUR_MS;
      const base = { viewer_id: viewer, session_id: `s-${viewer}`, user_id: `u-${viewer}` };
      exposedAt.set(viewer, at);
      events.push(eventRow({ ...base, type: 'exposure', event_time: at, experiment_id: 'cum', variant: treated ? 'treatment' : 'control' }));
      // Before exposure (the CUPED covariate), after it, and for some a visit on a later day.
      events.push(eventRow({ ...base, type: 'heartbeat', event_time: at - 3 * HOUR_MS, watch_ms: 20_000 * (1 + ((i * 3 + day) % 4)) }));
      events.push(eventRow({ ...base, type: 'heartbeat', event_time: at + MINUTE_MS, watch_ms: 30_000 * (1 + ((i * 7 + day) % 5)) + (treated ? 40_000 * (1 + day) : 0) }));
      if (i % 4 === 0) events.push(eventRow({ ...base, type: 'heartbeat', event_time: at + DAY_MS + HOUR_MS, watch_ms: 50_000 }));
      if ((i + day) % 3 === 0 || (treated && i % 5 === 1)) {
        const clickAt = at + 2 * MINUTE_MS;
        events.push(eventRow({ ...base, type: 'click_to_buy', event_time: clickAt, click_id: `k-${viewer}`, product_id: 'p1', offer_id: 'o1' }));
        if (i % 2 === 1 || day === 1) orders.push(orderRow({ order_id: `o-${viewer}`, ts: clickAt + 5 * MINUTE_MS, user_id: base.user_id, click_id: `k-${viewer}`, product_id: 'p1', quantity: 1 + (i % 2), unit_price: 12 + day }));
      }
    }
  }
  // Seen in both variants: excluded from every point.
  exposedAt.set('vx', D0 + HOUR_MS);
  events.push(eventRow({ type: 'exposure', viewer_id: 'vx', event_time: D0 + HOUR_MS, experiment_id: 'cum', variant: 'control' }));
  events.push(eventRow({ type: 'exposure', viewer_id: 'vx', event_time: D0 + 2 * DAY_MS, experiment_id: 'cum', variant: 'treatment' }));
  return { events, orders, exposedAt };
}

let full: { dir: string; engine: DuckDbEngine };
let firstTwoDays: { dir: string; engine: DuckDbEngine };

async function lake(events: FixtureRow[], orders: FixtureRow[]): Promise<{ dir: string; engine: DuckDbEngine }> {
  const dir = tempDataDir();
  await writeLakeTable(dir, 'events', events);
  await writeLakeTable(dir, 'orders', orders);
  return { dir, engine: await createDuckDbEngine({ dataDir: dir, threads: 1 }) };
}

beforeAll(async () => {
  const f = fixture();
  const byEndOfDay2 = (viewer: unknown) => (f.exposedAt.get(String(viewer)) ?? Infinity) < D0 + 2 * DAY_MS;
  full = await lake(f.events, f.orders);
  firstTwoDays = await lake(f.events.filter((e) => byEndOfDay2(e.viewer_id)), f.orders);
});
afterAll(async () => {
  for (const l of [full, firstTwoDays]) {
    await l?.engine.close();
    if (l) fs.rmSync(l.dir, { recursive: true, force: true });
  }
});

/** The fields a point shares with the experiment report's row of the same metric, currency and variant. */
const SHARED = ['viewers', 'mean', 'control_mean', 'relative_lift', 'relative_ci_low', 'relative_ci_high', 'p_value', 'cuped_relative_lift', 'cuped_relative_ci_low', 'cuped_relative_ci_high'] as const;
const key = (r: Row) => `${r.metric}/${r.currency ?? ''}/${r.variant}`;

function expectSameLift(points: Row[], report: Row[]): void {
  const primary = report.filter((r) => r.guardrail !== true);
  expect(points.map(key).sort()).toEqual(primary.map(key).sort());
  for (const r of primary) {
    const p = points.find((q) => key(q) === key(r))!;
    for (const field of SHARED) {
      const [a, b] = [p[field], r[field]];
      if (typeof b === 'number') expect(a, `${key(r)} ${field}`).toBeCloseTo(b, 10);
      else expect(a, `${key(r)} ${field}`).toBe(b);
    }
  }
}

describe('cumulative lift by day of first exposure', () => {
  it('has one point per day, metric and variant, the viewers growing day by day', async () => {
    const out = await runReportRequest('experiment-cumulative', PARAMS, { queryEngine: full.engine });
    const days = [...new Set(out.rows.map((r) => r.period_start))];
    expect(days).toEqual([D0, D0 + DAY_MS, D0 + 2 * DAY_MS]);
    const treated = out.rows.filter((r) => r.metric === 'watch_minutes').map((r) => [r.exposed_before_ms, r.viewers, r.control_viewers]);
    expect(treated).toEqual([[D0 + DAY_MS, 5, 5], [D0 + 2 * DAY_MS, 10, 10], [D0 + 3 * DAY_MS, 15, 15]]);
    expect(out.json).toMatchObject({ report: 'experiment-cumulative', by: 'day', experiment_id: 'cum', control: 'control', correction: 'holm' });
    expect(out.render('csv').split('\r\n')[0]).toBe(out.columns.map((c) => c.name).join(','));
  });

  it("day 2's point equals the experiment report over the viewers first exposed by the end of day 2", async () => {
    const points = (await runReportRequest('experiment-cumulative', PARAMS, { queryEngine: full.engine })).rows.filter((r) => r.period_start === D0 + DAY_MS);
    const restricted = await runReportRequest('experiment', PARAMS, { queryEngine: firstTwoDays.engine });
    expect(restricted.json.exposed_viewers).toBe(2 * VIEWERS_PER_DAY + 1);
    expectSameLift(points, restricted.rows);
    // Not the report over everyone: the later viewers move it.
    const everyone = await runReportRequest('experiment', PARAMS, { queryEngine: full.engine });
    const watch = (rows: Row[]) => rows.find((r) => r.metric === 'watch_minutes')!.relative_lift;
    expect(watch(points)).not.toBeCloseTo(Number(watch(everyone.rows)), 6);
  });

  it("the last day's point is the experiment report's lift; by=hour ends at the same point", async () => {
    const daily = (await runReportRequest('experiment-cumulative', PARAMS, { queryEngine: full.engine })).rows;
    const last = daily.filter((r) => r.period_start === D0 + 2 * DAY_MS);
    const report = await runReportRequest('experiment', PARAMS, { queryEngine: full.engine });
    expectSameLift(last, report.rows);
    const hourly = (await runReportRequest('experiment-cumulative', { ...PARAMS, by: 'hour' }, { queryEngine: full.engine })).rows;
    const lastHour = Math.max(...hourly.map((r) => Number(r.period_start)));
    // One hour per viewer (vx, in both variants, is in none).
    expect(new Set(hourly.map((r) => r.period_start)).size).toBe(DAYS * VIEWERS_PER_DAY);
    expectSameLift(hourly.filter((r) => r.period_start === lastHour), report.rows);
  });
});
