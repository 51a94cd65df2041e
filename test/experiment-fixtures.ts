/**
 * The experiment fixture: seven viewers of experiment `exp1` with known
 * watch time, clicks and orders before and after exposure, so every
 * sufficient statistic can be computed by hand (see experiment-report.test.ts).
 *
 *   viewer  variant     watch after / before   clicks after / before   revenue after (pre-exposure orders)
 *   va1     control     2 / 1 min              1 / 0                   20 USD (5 USD)
 *   va2     control     0.5 / 0                0 / 0                   —
 *   va3     control*    1 / 2                  1 / 1                   —        (*only in `experiments`)
 *   vb1     treatment   3 / 2                  1 / 0                   30 USD
 *   vb2     treatment   4 / 0                  1 / 0                   8 EUR
 *   vb3     treatment   0 / 0                  0 / 0                   —
 *   vx      both        excluded
 */
import { eventRow, MINUTE_MS, orderRow, T0, type FixtureRow } from './queries-fixtures.ts';

export const DAY_MS_FOR_TEST = 86_400_000;
const HOUR = 60 * MINUTE_MS;

function exposure(viewer: string, variant: string, at: number, experiment = 'exp1'): FixtureRow {
  return eventRow({ type: 'exposure', event_time: at, viewer_id: viewer, experiment_id: experiment, variant });
}
function heartbeat(viewer: string, at: number, watchMs: number): FixtureRow {
  return eventRow({ type: 'heartbeat', event_time: at, viewer_id: viewer, watch_ms: watchMs });
}
function click(viewer: string, at: number, clickId: string, productId: string, userId: string | null): FixtureRow {
  return eventRow({ type: 'click_to_buy', event_time: at, viewer_id: viewer, click_id: clickId, product_id: productId, offer_id: `o-${productId}`, user_id: userId });
}

export function fixtureEvents(): FixtureRow[] {
  const duplicated = exposure('vb1', 'treatment', T0);
  return [
    // va1: control; one pre-exposure heartbeat inside the 14 days, one outside.
    exposure('va1', 'control', T0),
    exposure('va1', 'other', T0, 'exp2'),
    heartbeat('va1', T0 + MINUTE_MS, 120_000),
    heartbeat('va1', T0 - 2 * DAY_MS_FOR_TEST, 60_000),
    heartbeat('va1', T0 - 20 * DAY_MS_FOR_TEST, 600_000),
    click('va1', T0 + 2 * MINUTE_MS, 'k1', 'p1', 'u1'),
    // va2: control, half a minute of watching.
    exposure('va2', 'control', T0 + 5 * MINUTE_MS),
    heartbeat('va2', T0 + 6 * MINUTE_MS, 30_000),
    // va3: assigned only through the experiments column of a session_start.
    eventRow({ type: 'session_start', event_time: T0 + HOUR, viewer_id: 'va3', experiments: '{"exp1":"control","exp2":"x"}' }),
    heartbeat('va3', T0 + HOUR + MINUTE_MS, 60_000),
    heartbeat('va3', T0 - DAY_MS_FOR_TEST, 120_000),
    click('va3', T0 + HOUR + 2 * MINUTE_MS, 'k9', 'p9', null),
    click('va3', T0 - DAY_MS_FOR_TEST, 'k8', 'p8', null),
    // vb1: treatment; its exposure delivered twice (one event_id).
    duplicated,
    { ...duplicated, received_at: T0 + 1000 },
    heartbeat('vb1', T0 + 2 * MINUTE_MS, 180_000),
    heartbeat('vb1', T0 - 5 * DAY_MS_FOR_TEST, 120_000),
    click('vb1', T0 + 3 * MINUTE_MS, 'k2', 'p2', 'u2'),
    // vb2: treatment, buys in EUR.
    exposure('vb2', 'treatment', T0 + 10 * MINUTE_MS),
    heartbeat('vb2', T0 + 10 * MINUTE_MS, 240_000),
    click('vb2', T0 + 11 * MINUTE_MS, 'k3', 'p4', 'u3'),
    // vb3: treatment in both columns, does nothing.
    eventRow({ type: 'session_start', event_time: T0 + MINUTE_MS, viewer_id: 'vb3', experiments: '{"exp1":"treatment"}' }),
    exposure('vb3', 'treatment', T0 + 2 * MINUTE_MS),
    // vx: seen in both variants, so excluded (its activity must not count).
    exposure('vx', 'control', T0),
    exposure('vx', 'treatment', T0 + MINUTE_MS),
    heartbeat('vx', T0 + 2 * MINUTE_MS, 60_000),
  ];
}

export function fixtureOrders(): FixtureRow[] {
  return [
    orderRow({ order_id: 'o1', ts: T0 + 10 * MINUTE_MS, user_id: 'u1', click_id: 'k1', product_id: 'p1', quantity: 2, unit_price: 10 }),
    orderRow({ order_id: 'o0', ts: T0 - 3 * DAY_MS_FOR_TEST, user_id: 'u1', product_id: 'p0', quantity: 1, unit_price: 5 }),
    orderRow({ order_id: 'o2', ts: T0 + 20 * MINUTE_MS, user_id: 'u2', click_id: 'k2', product_id: 'p2', quantity: 1, unit_price: 30 }),
    orderRow({ order_id: 'o4', ts: T0 + 12 * MINUTE_MS, user_id: 'u3', click_id: 'k3', product_id: 'p4', quantity: 1, unit_price: 8, currency: 'EUR' }),
  ];
}
