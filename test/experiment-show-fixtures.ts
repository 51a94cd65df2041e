/**
 * The show-level experiment fixture: experiment `fmt` randomizes whole
 * shows between `short` (control) and `long`, so every per-show sufficient
 * statistic can be computed by hand (see experiment-show-report.test.ts).
 *
 *   show  variant      viewers          buyers        revenue          watch      clicks  sessions: started / fatal
 *   s1    short        v1, v2           v1            10 USD           3 min      1       2: both started
 *   s2    short*       v3               —             —                0.5 min    1       1: no startup (EBVS)
 *   s3    long         v1, v4, v5       v4, v5        20 USD + 5 EUR   4 min      2       3: v4 started, v5 fatal, v1 EBVS; 1 s rebuffer
 *   s4    long         v6               v6            30 USD           4 min      1       1: no startup (EBVS)
 *   s5    short+long   excluded: its exposure and an experiments map disagree
 *   s6    medium       excluded when the definition does not list `medium`
 *   (* only through the experiments map of a session_start)
 * v1 watched a show of each variant and counts in both.
 */
import { eventRow, MINUTE_MS, orderRow, T0, type FixtureRow } from './queries-fixtures.ts';

const at = (minutes: number) => T0 + minutes * MINUTE_MS;

function seen(viewer: string, show: string, minute: number, fields: Partial<FixtureRow> & { type: string }): FixtureRow {
  return eventRow({ viewer_id: viewer, show_id: show, session_id: `${viewer}-${show}`, event_time: at(minute), ...fields });
}
const exposure = (viewer: string, show: string, variant: string, minute = 0) =>
  seen(viewer, show, minute, { type: 'exposure', experiment_id: 'fmt', variant });
const heartbeat = (viewer: string, show: string, minute: number, watchMs: number) => seen(viewer, show, minute, { type: 'heartbeat', watch_ms: watchMs });
const click = (viewer: string, show: string, minute: number, clickId: string) =>
  seen(viewer, show, minute, { type: 'click_to_buy', click_id: clickId, product_id: `p-${clickId}`, offer_id: `o-${clickId}`, user_id: `u-${viewer}` });
const startup = (viewer: string, show: string, minute: number) => seen(viewer, show, minute, { type: 'startup', startup_ms: 800 });

export function showFixtureEvents(): FixtureRow[] {
  return [
    exposure('v1', 's1', 'short'), startup('v1', 's1', 1), heartbeat('v1', 's1', 2, 60_000), click('v1', 's1', 3, 'k1'),
    exposure('v2', 's1', 'short'), startup('v2', 's1', 1), heartbeat('v2', 's1', 2, 120_000),
    seen('v3', 's2', 0, { type: 'session_start', experiments: '{"fmt":"short"}' }), heartbeat('v3', 's2', 2, 30_000), click('v3', 's2', 3, 'k2'),
    exposure('v1', 's3', 'long', 60), heartbeat('v1', 's3', 61, 60_000),
    exposure('v4', 's3', 'long', 60), startup('v4', 's3', 61), heartbeat('v4', 's3', 62, 180_000), click('v4', 's3', 63, 'k3'),
    exposure('v5', 's3', 'long', 60), click('v5', 's3', 61, 'k4'), seen('v5', 's3', 62, { type: 'buffer_end', buffer_ms: 1000 }),
    seen('v5', 's3', 63, { type: 'error', fatal: true }),
    exposure('v6', 's4', 'long', 120), heartbeat('v6', 's4', 121, 240_000), click('v6', 's4', 122, 'k5'),
    exposure('v7', 's5', 'short', 180), seen('v7', 's5', 181, { type: 'heartbeat', watch_ms: 60_000, experiments: '{"fmt":"long"}' }),
    exposure('v8', 's6', 'medium', 240), heartbeat('v8', 's6', 241, 60_000),
  ];
}

export function showFixtureOrders(): FixtureRow[] {
  return [
    orderRow({ order_id: 'o1', ts: at(10), user_id: 'u-v1', click_id: 'k1', product_id: 'p-k1', quantity: 1, unit_price: 10 }),
    orderRow({ order_id: 'o3', ts: at(70), user_id: 'u-v4', click_id: 'k3', product_id: 'p-k3', quantity: 2, unit_price: 10 }),
    orderRow({ order_id: 'o4', ts: at(70), user_id: 'u-v5', click_id: 'k4', product_id: 'p-k4', quantity: 1, unit_price: 5, currency: 'EUR' }),
    orderRow({ order_id: 'o5', ts: at(130), user_id: 'u-v6', click_id: 'k5', product_id: 'p-k5', quantity: 3, unit_price: 10 }),
  ];
}
