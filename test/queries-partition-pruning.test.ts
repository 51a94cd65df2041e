/**
 * Partition pruning (pipeline/engine/partition-bounds.ts): every query that
 * reads events or orders bounds `dt` beside event_time / ts, so a report on
 * a narrow range reads only its days' files, and its rows are exactly those
 * of the same SQL with no `dt` bound. Checked over a lake spread over five
 * days, with the windows that reach past a day: a click the evening before
 * its order, a session over midnight, a CUPED lookback into the previous
 * day, a client retry whose event_time fell on the other side of midnight,
 * and an order line re-imported with its ts moved to the previous day. Both
 * texts run on DuckDB: DuckDB's own (its lake-wide events dedupe) and
 * Athena's (the statement carries the partition-bounded dedupe views).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine, type DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { Row, SqlValue } from '../pipeline/engine/engine.ts';
import { DAY_MS, ENGINE_PERIOD_VIEWS, EVENT_COPY_MARGIN_MS, partitionBoundParameters } from '../pipeline/engine/partition-bounds.ts';
import { loadQuery, placeholderNames, QUERIES_DIR, readQueryFile } from '../pipeline/engine/query-files.ts';
import { parameterNames } from '../pipeline/engine/parameters.ts';
import { queryIdentifierSets } from '../pipeline/reports/definitions.ts';
import { EVENTS_TABLE } from '../pipeline/ingest/lake-tables.ts';
import { unprunedQueriesDir } from '../bench/lib/unpruned-queries.ts';
import { eventRow, HOUR_MS, MINUTE_MS, orderRow, tempDataDir, writeLakeTable, type FixtureRow } from './queries-fixtures.ts';

/** Five lake days, 2026-11-01 .. 2026-11-05. */
const D = (day: number, hours = 0, ms = 0) => Date.UTC(2026, 10, 1 + day) + hours * HOUR_MS + ms;

function lakeEvents(): FixtureRow[] {
  const e = (fields: FixtureRow & { type: string; event_time: number }) => eventRow(fields);
  const rows: FixtureRow[] = [
    // Outside every range: day 0 and day 4.
    e({ type: 'startup', event_time: D(0, 12), startup_ms: 900, show_id: 's2', session_id: 'x0' }),
    e({ type: 'heartbeat', event_time: D(4, 12), watch_ms: 10_000, show_id: 's3', session_id: 'x4' }),
    // v1: a session on day 1, exposed to variant a then.
    e({ type: 'exposure', event_time: D(1, 8), viewer_id: 'v1', session_id: 'a1', experiment_id: 'exp1', variant: 'a', experiments: '{"exp1":"a"}' }),
    e({ type: 'startup', event_time: D(1, 8, 1000), viewer_id: 'v1', session_id: 'a1', startup_ms: 1500 }),
    e({ type: 'heartbeat', event_time: D(1, 8, 10_000), viewer_id: 'v1', session_id: 'a1', watch_ms: 10_000, latency_ms: 3000 }),
    e({ type: 'buffer_end', event_time: D(1, 8, 20_000), viewer_id: 'v1', session_id: 'a1', buffer_ms: 400 }),
    e({ type: 'exposure', event_time: D(2, 9), viewer_id: 'v1', session_id: 'a2', experiment_id: 'exp1', variant: 'a' }),
    e({ type: 'heartbeat', event_time: D(2, 9, 10_000), viewer_id: 'v1', session_id: 'a2', watch_ms: 8000, latency_ms: 1500 }),
    // v2: clicks at 23:30 on day 1, watches over midnight, buys at 00:30 on day 2.
    e({ type: 'startup', event_time: D(1, 23), viewer_id: 'v2', user_id: 'u2', session_id: 'b1', startup_ms: 700 }),
    e({ type: 'click_to_buy', event_time: D(1, 23.5), viewer_id: 'v2', user_id: 'u2', session_id: 'b1', click_id: 'k1', product_id: 'p1', offer_id: 'o1' }),
    e({ type: 'heartbeat', event_time: D(1, 23, 59 * MINUTE_MS), viewer_id: 'v2', session_id: 'b1', watch_ms: 10_000, latency_ms: 6000 }),
    e({ type: 'heartbeat', event_time: D(2, 0, MINUTE_MS), viewer_id: 'v2', session_id: 'b1', watch_ms: 10_000, latency_ms: 6000 }),
    e({ type: 'session_end', event_time: D(2, 0, 2 * MINUTE_MS), viewer_id: 'v2', session_id: 'b1' }),
    // v3: watches and buys on day 1 (CUPED covariates), exposed to b on day 2, then clicks and buys.
    e({ type: 'heartbeat', event_time: D(1, 20), viewer_id: 'v3', user_id: 'u3', session_id: 'c1', watch_ms: 30_000 }),
    e({ type: 'exposure', event_time: D(2, 10), viewer_id: 'v3', user_id: 'u3', session_id: 'c2', experiment_id: 'exp1', variant: 'b', experiments: '{"exp1":"b"}' }),
    e({ type: 'product_impression', event_time: D(2, 10, 5000), viewer_id: 'v3', session_id: 'c2', product_id: 'p2', offer_id: 'o2' }),
    e({ type: 'click_to_buy', event_time: D(2, 11), viewer_id: 'v3', user_id: 'u3', session_id: 'c2', click_id: 'k3', product_id: 'p2', offer_id: 'o2' }),
    e({ type: 'chat_message', event_time: D(2, 11, 1000), viewer_id: 'v3', session_id: 'c2', length: 12 }),
    e({ type: 'error', event_time: D(2, 11, 2000), viewer_id: 'v3', session_id: 'c2', code: 'net', fatal: true }),
    // v4: clicks at 23:40 on day 1; and on day 3 early (inside the wide range only).
    e({ type: 'click_to_buy', event_time: D(1, 23, 40 * MINUTE_MS), viewer_id: 'v4', user_id: 'u4', session_id: 'd1', click_id: 'k4', product_id: 'p1', offer_id: 'o1' }),
    e({ type: 'heartbeat', event_time: D(3, 3), viewer_id: 'v4', session_id: 'd3', watch_ms: 5000, latency_ms: 12_000 }),
  ];
  // A client retry across midnight: the first copy (received first) on day 1, the retry on day 2.
  const first = e({ type: 'heartbeat', event_time: D(2, 0, -10), viewer_id: 'v5', session_id: 'e1', watch_ms: 10_000 });
  const retry = { ...first, event_time: D(2, 0, 10), received_at: Number(first.received_at) + 5000 };
  return [...rows, first, retry];
}

function lakeOrders(): FixtureRow[] {
  return [
    orderRow({ order_id: 'o1', ts: D(2, 0.5), user_id: 'u2', click_id: 'k1', product_id: 'p1', unit_price: 20 }),
    orderRow({ order_id: 'pre3', ts: D(1, 21), user_id: 'u3', product_id: 'p9', unit_price: 7 }),
    orderRow({ order_id: 'o3', ts: D(2, 12), user_id: 'u3', click_id: 'k3', product_id: 'p2', unit_price: 30, currency: 'EUR' }),
    // Imported at 00:10 on day 2, then re-imported with ts corrected to 23:50 on day 1 (the later import wins).
    orderRow({ order_id: 'o4', ts: D(2, 0, 10 * MINUTE_MS), user_id: 'u4', product_id: 'p1', unit_price: 15, imported_at: D(2, 1) }),
    orderRow({ order_id: 'o4', ts: D(1, 23, 50 * MINUTE_MS), user_id: 'u4', product_id: 'p1', unit_price: 15, imported_at: D(2, 2) }),
    orderRow({ order_id: 'late', ts: D(4, 9), user_id: 'u2', click_id: 'k1', product_id: 'p1', unit_price: 99 }),
  ];
}

/**
 * The query files (not the views they build on); a template with the first
 * identifier set its reports use (the group column changes no `dt` bound).
 */
function statements(): Array<{ name: string; identifiers: Record<string, string> }> {
  const names = fs.readdirSync(QUERIES_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
  return names.map((name) => ({ name, identifiers: placeholderNames(readQueryFile(name)).length > 0 ? queryIdentifierSets(name)[0]! : {} }));
}

/** Values for a query's parameters: the period, a one-day lookback, exp1 per retailer, no filter; any other `*_ms` an hour, anything else ''. */
function parameters(name: string, fromMs: number, toMs: number): Record<string, SqlValue> {
  const known: Record<string, SqlValue> = {
    from_ms: fromMs, to_ms: toMs, window_ms: DAY_MS, lookback_ms: DAY_MS, cap_percentile: 1, qoe_sessions: 1,
    retailer_id: '', creator_id: '', region: '', show_id: name === 'show_timeline' ? 's1' : '',
    experiment_id: 'exp1', variants: '', by_retailer: 1,
  };
  const identifiers = placeholderNames(readQueryFile(name)).length > 0 ? queryIdentifierSets(name)[0]! : {};
  const used = parameterNames(loadQuery(name, QUERIES_DIR, identifiers, ENGINE_PERIOD_VIEWS.athena));
  return { ...Object.fromEntries(used.map((n) => [n, n.endsWith('_ms') ? HOUR_MS : ''])), ...known };
}

const canonical = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

/** The wide range reaches from 06:00 on day 1 to 06:00 on day 3; the narrow one is day 2. */
const RANGES = { wide: [D(1, 6), D(3, 6)], narrow: [D(2), D(3)] } as const;

let dataDir: string;
/** The copy of queries/ with no `dt` bound (bench/lib/unpruned-queries.ts): the rows every pruned text must give. */
let unprunedDir: string;
let engines: Record<'duckdb' | 'athena' | 'duckdbUnpruned' | 'athenaUnpruned', DuckDbEngine>;

beforeAll(async () => {
  dataDir = tempDataDir();
  const events = lakeEvents();
  // Two files a day where there are events, so the scans below count files, not just days.
  await writeLakeTable(dataDir, 'events', events.filter((_, i) => i % 2 === 0), 'part-0');
  await writeLakeTable(dataDir, 'events', events.filter((_, i) => i % 2 === 1), 'part-1');
  await writeLakeTable(dataDir, 'orders', lakeOrders().slice(0, 4), 'import-0');
  await writeLakeTable(dataDir, 'orders', lakeOrders().slice(4), 'import-1');
  unprunedDir = unprunedQueriesDir(tempDataDir());
  const open = (queriesDir: string | undefined, periodViews = ENGINE_PERIOD_VIEWS.duckdb) =>
    createDuckDbEngine({ dataDir, memoryLimit: '256MB', periodViews, ...(queriesDir ? { queriesDir } : {}) });
  engines = {
    duckdb: await open(undefined),
    athena: await open(undefined, ENGINE_PERIOD_VIEWS.athena),
    duckdbUnpruned: await open(unprunedDir),
    athenaUnpruned: await open(unprunedDir, ENGINE_PERIOD_VIEWS.athena),
  };
}, 60_000);

afterAll(async () => {
  for (const engine of Object.values(engines ?? {})) await engine.close();
});

describe('dt partition bounds', () => {
  it('are exact: dt is the UTC date of the timestamp the SQL bounds (event_time for events)', () => {
    // If ingest ever partitioned events by received_at, the bounds would need the 72 h lateness of SPEC 2.
    expect(EVENTS_TABLE.dtExpression).toContain('event_time');
    expect(partitionBoundParameters('$lookback_from_dt', { from_ms: D(2), to_ms: D(3), lookback_ms: DAY_MS })).toEqual({
      from_dt: '2026-11-03', to_dt: '2026-11-03', lookback_from_dt: '2026-11-02',
      scan_from_dt: '2026-11-02', scan_to_dt: '2026-11-03', dedupe_from_dt: '2026-11-01', dedupe_to_dt: '2026-11-04',
      copy_from_ms: D(1) - EVENT_COPY_MARGIN_MS, copy_to_ms: D(3) + EVENT_COPY_MARGIN_MS,
    });
    // The whole lake (no --from/--to) stays within dates that sort as text.
    expect(partitionBoundParameters('', { from_ms: 0, to_ms: 8_640_000_000_000_000 })).toMatchObject({ from_dt: '1970-01-01', to_dt: '9999-12-31' });
  });

  it('are compared against texts that bound no day (the predicate placeholders\' bounds opened too)', () => {
    for (const { name, identifiers } of statements()) {
      const used = parameterNames(loadQuery(name, unprunedDir, identifiers, ENGINE_PERIOD_VIEWS.athena));
      expect(used.filter((p) => p.endsWith('_dt')), name).toEqual([]);
      expect(used, name).toContain('from_ms');
    }
  });

  /** Every query's rows on the three texts against the unpruned DuckDB text's; the four engines run each query at once. */
  async function expectUnprunedRows(range: keyof typeof RANGES, only: (sql: string) => boolean): Promise<number> {
    const [fromMs, toMs] = RANGES[range];
    let nonEmpty = 0;
    for (const { name, identifiers } of statements().filter((s) => only(loadQuery(s.name, QUERIES_DIR, s.identifiers)))) {
      const params = parameters(name, fromMs, toMs);
      const what = `${name} ${JSON.stringify(identifiers)}`;
      const [expected, athenaUnpruned, duckdb, athena] = await Promise.all(
        [engines.duckdbUnpruned, engines.athenaUnpruned, engines.duckdb, engines.athena].map(async (e) => canonical(await e.run(name, params, identifiers))),
      );
      // Athena's text with its dedupe views open to every day is the catalog views' lake-wide dedupe.
      expect(athenaUnpruned, `${what}: Athena's unpruned text`).toEqual(expected);
      expect(duckdb, `${what}: DuckDB, pruned`).toEqual(expected);
      expect(athena, `${what}: Athena's text, pruned`).toEqual(expected);
      if (expected.length > 0) nonEmpty++;
    }
    return nonEmpty;
  }

  it('give every query the unpruned rows, on both texts (narrow range: the retry and the re-import across its midnight)', async () => {
    expect(await expectUnprunedRows('narrow', () => true)).toBeGreaterThan(12);
  }, 60_000);

  it('give every attributing query the unpruned rows (wide range: an order after midnight on a click before it)', async () => {
    expect(await expectUnprunedRows('wide', (sql) => sql.includes('attributed_order_lines AS ('))).toBeGreaterThan(5);
  }, 60_000);

  it('keep what reaches over midnight: the order attributed to the evening-before click, the retry and the re-import once', async () => {
    const [fromMs, toMs] = RANGES.wide;
    for (const engine of [engines.duckdb, engines.athena]) {
      const lines = await engine.run('attributed_order_lines', parameters('attributed_order_lines', fromMs, toMs));
      const o1 = lines.find((l) => l.order_id === 'o1')!;
      expect(o1).toMatchObject({ attribution: 'click_id', click_time: D(1, 23.5), viewer_id: 'v2' });
      expect(lines.filter((l) => l.order_id === 'o4')).toMatchObject([{ ts: D(1, 23, 50 * MINUTE_MS), attribution: 'user_product', viewer_id: 'v4' }]);
      const narrow = await engine.run('attributed_order_lines', parameters('attributed_order_lines', ...RANGES.narrow));
      // In day 2 alone o4's latest import (day 1) is out of the period; the older import must not stand in for it.
      expect(narrow.map((l) => l.order_id).sort()).toEqual(['o1', 'o3']);
      const sessions = await engine.run('sessions', parameters('sessions', ...RANGES.narrow));
      // The retry of v5's heartbeat is in day 2, but its first copy (day 1) wins: v5 has no session on day 2.
      expect(sessions.map((s) => s.viewer_id).sort()).toEqual(['v1', 'v2', 'v3']);
    }
  });

  it('every scan of events and orders reads only its days\' files', async () => {
    const [fromMs, toMs] = RANGES.narrow;
    const dayAndTable = (file: string) => /lake\/(events|orders)\/dt=(\d{4}-\d{2}-\d{2})\//.exec(file)!.slice(1) as ['events' | 'orders', string];
    // Day 2 is 2026-11-03; a text that carries a dedupe view also reads the neighbouring days (its dedupe columns).
    const period = ['2026-11-03'];
    const withMargin = ['2026-11-02', '2026-11-03', '2026-11-04'];
    // The lake holds files outside those days, so each check below is one a full scan fails.
    const lakeDays = (table: string) => fs.readdirSync(path.join(dataDir, 'lake', table)).map((d) => d.slice(3));
    expect(lakeDays('events')).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05']);
    expect(lakeDays('orders')).toContain('2026-11-05');
    let scanned = 0;
    for (const { name, identifiers } of statements()) {
      const params = parameters(name, fromMs, toMs);
      // The experiment metrics' CUPED lookback (one day here) reaches into day 1: every query built on experiment_unit_values.
      const lookback = 'lookback_from_dt' in params ? ['2026-11-01', '2026-11-02'] : [];
      // DuckDB's orders is a table made once per lake state: a statement reading only order lines reads no file there.
      const readsEvents = /\bevents\b/.test(loadQuery(name, QUERIES_DIR, identifiers).replace(/--.*$/gm, ''));
      for (const [text, engine] of [['duckdb', engines.duckdb], ['athena', engines.athena]] as const) {
        const allowed = {
          events: text === 'athena' ? [...withMargin, ...lookback] : [...period, ...lookback.slice(1)],
          orders: [...withMargin, ...lookback],
        };
        const scans = await engine.parquetScans(name, params, identifiers);
        if (text === 'athena' || readsEvents) expect(scans.length, `${name} on ${text}'s text scans the lake`).toBeGreaterThan(0);
        else expect(scans, `${name} reads only DuckDB's orders table`).toEqual([]);
        scanned += scans.length;
        for (const scan of scans) {
          const what = `${name} ${JSON.stringify(identifiers)} on ${text}'s text`;
          expect(scan.files.length, `${what}: DuckDB lists the files read`).toBe(scan.filesRead);
          for (const file of scan.files) {
            const [table, day] = dayAndTable(file);
            expect(allowed[table], `${what} reads ${file}`).toContain(day);
          }
        }
      }
    }
    expect(scanned).toBeGreaterThan(2 * statements().length);
  }, 60_000);
});
