/**
 * The data API answers requests at once (issue 13: a view's queries run in
 * parallel on several DuckDB connections of one instance), and that is
 * safe: concurrent requests for different reports and scopes return exactly
 * what the same requests return one after another, on more than one
 * connection; identical requests from different retailers in flight at the
 * same moment are never answered with each other's rows; and a file landing
 * while queries run is seen by the next request. Not timed (benchmarks
 * measure speed: bench/dashboard.ts).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, parseDashboardTokens } from '../../dashboard/access/index.ts';
import { createDashboardApp } from '../../dashboard/app.ts';
import { LAKE_STAMP_REUSE_MS } from '../../dashboard/api/lake-state.ts';
import { SharedEngine } from '../../dashboard/api/shared-engine.ts';
import { createDuckDbEngine, type DuckDbEngine } from '../../pipeline/engine/duckdb.ts';
import { eventRow, MINUTE_MS, T0, writeLakeTable } from '../queries-fixtures.ts';
import { ADMIN_TOKEN, ANALYST_TOKEN, R1_TOKEN, R2_TOKEN, TOKENS, WRITE_KEY, writeApiFixture } from './api-fixture.ts';

/** Connections of the concurrent engine: fewer than the requests in flight, so some wait their turn. */
const CONNECTIONS = 3;
const PATHS = [
  '/api/v1/reports/conversion?by=creator',
  '/api/v1/reports/qoe?by=region',
  '/api/v1/reports/audience?by=creator',
  '/api/v1/experiments',
  '/api/v1/experiments/exp1',
  '/api/v1/health/data',
];
const SCOPES = [ANALYST_TOKEN, R1_TOKEN, R2_TOKEN];
/** Two passes of every request on a shared 2-core machine. */
const SLOW_TEST_MS = 90_000;
const RETAILER_OF: Record<string, string> = { [R1_TOKEN]: 'r1', [R2_TOKEN]: 'r2' };

let dataDir: string;
const engines: SharedEngine[] = [];
let opened: DuckDbEngine[] = [];

/** A dashboard app on its own engine (`connections` at once) and its own empty cache. */
function dashboard(connections: number) {
  const engine = new SharedEngine({ dataDir }, async () => {
    const duck = await createDuckDbEngine({ dataDir, connections });
    opened.push(duck);
    return duck;
  });
  engines.push(engine);
  const access = createAccess({ tokens: parseDashboardTokens(TOKENS), writeKeys: [WRITE_KEY] });
  const app = createDashboardApp({ access, dataDir, engine });
  return async (path: string, token: string) => {
    const res = await app.request(new Request(`http://dash.test${path}`, { headers: { authorization: `Bearer ${token}` } }));
    return { status: res.status, cache: res.headers.get('x-livelens-cache'), body: (await res.json()) as { rows: Array<Record<string, unknown>> } };
  };
}

beforeAll(async () => {
  dataDir = await writeApiFixture();
});
afterAll(async () => {
  for (const e of engines) await e.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const requests = SCOPES.flatMap((token) => PATHS.map((path) => ({ token, path })));

describe('concurrent API requests', () => {
  it('return exactly the sequential answers, for every report and scope, on several connections at once', async () => {
    opened = [];
    const sequential = dashboard(1);
    const expected = [];
    for (const r of requests) expected.push(await sequential(r.path, r.token));
    const concurrent = dashboard(CONNECTIONS);
    const got = await Promise.all(requests.map((r) => concurrent(r.path, r.token)));
    expect(got.map((g) => g.status)).toEqual(expected.map((e) => e.status));
    expect(got.map((g) => g.body)).toEqual(expected.map((e) => e.body));
    // Real concurrency: the engine opened every connection it may (it opens one only when all are busy).
    expect(opened.map((e) => e.queryConnections)).toEqual([1, CONNECTIONS]);
    // A retailer's answers hold only its own rows (sanity: the comparison above is not of empty answers).
    requests.forEach((r, i) => {
      const retailer = RETAILER_OF[r.token];
      if (retailer !== undefined) for (const row of got[i]!.body.rows ?? []) if ('retailer_id' in row) expect(row.retailer_id, `${r.path} as ${retailer}`).toBe(retailer);
    });
    const retailersSeen = new Set(got.flatMap((g) => (g.body.rows ?? []).map((row) => row.retailer_id)));
    expect([...retailersSeen].sort()).toEqual(['r1', 'r2']);
    // r2 never saw exp1: the one 404 per retailer scope; everything else answered.
    expect(got.filter((g) => g.status !== 200).length).toBe(1);
  }, SLOW_TEST_MS);

  it('identical requests from two retailers in flight at once each get their own rows, also from the cache', async () => {
    const get = dashboard(CONNECTIONS);
    const path = '/api/v1/reports/conversion?by=creator';
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all([R1_TOKEN, R2_TOKEN, R1_TOKEN, R2_TOKEN].map((t) => get(path, t)));
      answers.forEach((a, i) => {
        const retailer = i % 2 === 0 ? 'r1' : 'r2';
        expect(a.body.rows.length).toBeGreaterThan(0);
        for (const row of a.body.rows) expect(row.retailer_id).toBe(retailer);
      });
      if (round === 1) expect(answers.map((a) => a.cache)).toEqual(['hit', 'hit', 'hit', 'hit']);
    }
  });

  it('a file landing while queries run is in the next answer', async () => {
    const get = dashboard(CONNECTIONS);
    const path = '/api/v1/reports/qoe?by=region&retailer=r1';
    const viewersIn = (rows: Array<Record<string, unknown>>, region: string) => Number(rows.find((r) => r.region === region)?.viewers ?? 0);
    const before = (await get(path, ADMIN_TOKEN)).body.rows;
    const running = Promise.all(PATHS.slice(0, 4).map((p) => get(p, ADMIN_TOKEN)));
    await writeLakeTable(dataDir, 'events', [
      eventRow({ type: 'startup', event_time: T0 + MINUTE_MS, viewer_id: 'new-viewer', session_id: 'new-session', region: 'FR', startup_ms: 700 }),
    ], 'part-landed');
    for (const answer of await running) expect(answer.status).toBe(200);
    await new Promise((r) => setTimeout(r, LAKE_STAMP_REUSE_MS + 50));
    const after = (await get(path, ADMIN_TOKEN)).body.rows;
    expect(viewersIn(before, 'FR')).toBe(0);
    expect(viewersIn(after, 'FR')).toBe(1);
    expect(after.filter((r) => r.region !== 'FR')).toEqual(before);
  });
});
