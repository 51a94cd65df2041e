/**
 * Experiments per retailer (docs/spec.md §§4 and 8): every report groups by
 * retailer_id first, so an experiment id used by two retailers is two
 * experiments: each retailer's exposures are analysed apart, and retailer_id
 * is on every row, in each sample-ratio line and in the table output;
 * `retailer` selects one. Real DuckDB on the hand-made experiment fixture
 * (retailer r1) plus a second retailer running the same experiment id.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine, type DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import { analyzeExperiment } from '../pipeline/reports/experiment.ts';
import { analyzeExperimentByRetailer, formatExperimentByRetailer } from '../pipeline/reports/experiment-retailers.ts';
import { runReportRequest } from '../pipeline/reports/index.ts';
import { fixtureEvents, fixtureOrders } from './experiment-fixtures.ts';
import { eventRow, MINUTE_MS, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';

/** Retailer r2 runs exp1 too: 36 viewers in control, 6 in treatment (one of them has r1's viewer id va1: another person). */
function secondRetailer() {
  const rows = [];
  for (let i = 1; i <= 42; i++) {
    const viewer = i === 42 ? 'va1' : `w${i}`;
    const variant = i <= 36 ? 'control' : 'treatment';
    rows.push(eventRow({ type: 'exposure', retailer_id: 'r2', viewer_id: viewer, session_id: `r2-${i}`, experiment_id: 'exp1', variant, event_time: T0 + i * MINUTE_MS }));
    rows.push(eventRow({ type: 'heartbeat', retailer_id: 'r2', viewer_id: viewer, session_id: `r2-${i}`, watch_ms: 60_000, event_time: T0 + (i + 1) * MINUTE_MS }));
  }
  return rows;
}

let dataDir: string;
let engine: DuckDbEngine;
beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', [...fixtureEvents(), ...secondRetailer()]);
  await writeLakeTable(dataDir, 'orders', fixtureOrders());
  engine = await createDuckDbEngine({ dataDir, threads: 1 });
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('an experiment id used by two retailers is two experiments', () => {
  it('analyses each retailer apart: its own assignment, exclusions and sample-ratio check', async () => {
    const { report } = await analyzeExperimentByRetailer(engine, 'exp1');
    expect(report.retailers.map((r) => [r.retailer_id, r.exposed_viewers, r.excluded_viewers, r.assignments.map((a) => [a.variant, a.viewers])])).toEqual([
      ['r1', 7, 1, [['control', 3], ['treatment', 3]]],
      ['r2', 42, 0, [['control', 36], ['treatment', 6]]],
    ]);
    // 36 vs 6 against equal weights: chi-square 450/21, p ≈ 3.7e-6. r1's 3 vs 3 is balanced.
    expect(report.retailers.map((r) => r.srm_flagged)).toEqual([false, true]);
    expect(report.retailers[1]!.srm_p_value).toBeLessThan(1e-5);
    expect(report.retailers[0]!.srm_p_value).toBeCloseTo(1, 12);
    expect(report.exposed_viewers).toBe(49);
    // Folded at the top: counts summed, the smallest retailer's SRM p-value, assignments tagged by retailer.
    expect([report.control, report.excluded_viewers, report.srm_flagged]).toEqual(['control', 1, true]);
    expect(report.srm_p_value).toBe(report.retailers[1]!.srm_p_value);
    expect(report.assignments.map((a) => [a.retailer_id, a.variant, a.viewers])).toEqual([
      ['r1', 'control', 3], ['r1', 'treatment', 3], ['r2', 'control', 36], ['r2', 'treatment', 6],
    ]);
  });

  it('carries retailer_id on every row, each row computed from that retailer alone', async () => {
    const { report } = await analyzeExperimentByRetailer(engine, 'exp1');
    expect(report.rows.length).toBeGreaterThan(0);
    expect(new Set(report.rows.map((r) => r.retailer_id))).toEqual(new Set(['r1', 'r2']));
    for (const retailer of ['r1', 'r2']) {
      const alone = await analyzeExperiment(engine, 'exp1', { retailer });
      expect(report.rows.filter((r) => r.retailer_id === retailer)).toEqual(alone.rows.map((r) => ({ retailer_id: retailer, ...r })));
    }
    // One pass for both retailers keeps each one's own currencies: r2 has no order line, so its revenue is one row without currency.
    const revenue = report.rows.filter((r) => r.metric === 'revenue').map((r) => [r.retailer_id, r.currency]);
    expect(revenue).toEqual([['r1', 'EUR'], ['r1', 'USD'], ['r2', null]]);
    const watch = report.rows.filter((r) => r.metric === 'watch_minutes');
    expect(watch.map((r) => [r.retailer_id, r.viewers, r.mean, r.control_mean])).toEqual([['r1', 3, 7 / 3, 3.5 / 3], ['r2', 6, 1, 1]]);
  });

  it('computes the assignments once for every retailer, on one connection: the same report as one CTE chain per query', async () => {
    const pooled = await createDuckDbEngine({ dataDir, threads: 1, connections: 2 });
    try {
      // Without withMaterialized (as on Athena) every query inlines the assignments.
      const inlined = { name: pooled.name, run: pooled.run.bind(pooled), query: pooled.query.bind(pooled), close: async () => undefined };
      const [materialized, chained] = await Promise.all([
        analyzeExperimentByRetailer(pooled, 'exp1', {}),
        analyzeExperimentByRetailer(inlined, 'exp1', {}),
      ]);
      expect(materialized.report.retailers.map((r) => r.retailer_id)).toEqual(['r1', 'r2']);
      expect(materialized.report).toEqual(chained.report);
    } finally {
      await pooled.close();
    }
  });

  it('`retailer` selects one retailer', async () => {
    const { report } = await analyzeExperimentByRetailer(engine, 'exp1', { retailer: 'r2' });
    expect(report.retailers.map((r) => r.retailer_id)).toEqual(['r2']);
    expect(new Set(report.rows.map((r) => r.retailer_id))).toEqual(new Set(['r2']));
    // One retailer: the top-level summary is that retailer's own.
    const { retailer_id: _id, ...only } = report.retailers[0]!;
    expect({ control: report.control, excluded_viewers: report.excluded_viewers, srm_p_value: report.srm_p_value, srm_flagged: report.srm_flagged }).toEqual({
      control: only.control, excluded_viewers: only.excluded_viewers, srm_p_value: only.srm_p_value, srm_flagged: only.srm_flagged,
    });
  });

  it('an experiment no retailer saw: no retailer, no row', async () => {
    const { report } = await analyzeExperimentByRetailer(engine, 'exp-none');
    expect([report.retailers, report.rows, report.exposed_viewers]).toEqual([[], [], 0]);
    expect(formatExperimentByRetailer(await analyzeExperimentByRetailer(engine, 'exp-none'), 'table')).toContain('no viewer was exposed to experiment exp-none');
  });

  it('names the retailer in each sample-ratio line and in the table and CSV columns', async () => {
    const result = await analyzeExperimentByRetailer(engine, 'exp1');
    const table = formatExperimentByRetailer(result, 'table');
    expect(table).toMatch(/experiment exp1 of retailer r1: /);
    expect(table).toMatch(/sample ratio of retailer r1: p = 1\.000 \(no mismatch\)/);
    expect(table).toMatch(/sample ratio of retailer r2: p = [\d.e-]+ < 0\.001: SAMPLE RATIO MISMATCH/);
    const headers = table.split('\n').filter((l) => l.startsWith('retailer_id'));
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatch(/^retailer_id\s+metric\s+currency\s+variant/);
    expect(table.split('\n').some((l) => /^r2\s+watch_minutes\s+treatment\s+6/.test(l))).toBe(true);
    expect(formatExperimentByRetailer(result, 'csv').split('\r\n')[0]).toMatch(/^retailer_id,metric,currency,variant,/);
  });

  it('the report entry point (CLI and API) gives the same per-retailer JSON', async () => {
    const out = await runReportRequest('experiment', { id: 'exp1', retailer: 'r1' }, { queryEngine: engine });
    expect(out.json.params).toMatchObject({ retailer_id: 'r1', experiment_id: 'exp1' });
    expect((out.json.retailers as Array<{ retailer_id: string }>).map((r) => r.retailer_id)).toEqual(['r1']);
    expect(out.rows.every((r) => r.retailer_id === 'r1')).toBe(true);
    expect(out.columns[0]).toEqual({ name: 'retailer_id', type: 'VARCHAR' });
    expect(JSON.parse(out.render('json'))).toEqual(out.json);
  });
});
