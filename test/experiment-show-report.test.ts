/**
 * Show-level experiments (docs/spec.md §4) on a real DuckDB over hand-made
 * Parquet: the per-show sufficient statistics by hand, and the
 * delta-method variance of each ratio against an independent route (the
 * linearized residuals y − R·x of the raw per-show values).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine, type DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import { analyzeExperiment } from '../pipeline/reports/experiment.ts';
import { parseExperimentDefinitions } from '../pipeline/reports/experiment-definitions.ts';
import { formatExperimentReport } from '../pipeline/reports/experiment-output.ts';
import { studentTQuantile } from '../stats/distributions.ts';
import { welchDof } from '../stats/effect.ts';
import { srmPValue } from '../stats/srm.ts';
import { showFixtureEvents, showFixtureOrders } from './experiment-show-fixtures.ts';
import { tempDataDir, writeLakeTable } from './queries-fixtures.ts';

let dataDir = '';
let engine: DuckDbEngine;

beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', showFixtureEvents());
  await writeLakeTable(dataDir, 'orders', showFixtureOrders());
  engine = await createDuckDbEngine({ dataDir, threads: 1, memoryLimit: '256MB' });
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const PARAMS = { experiment_id: 'fmt', from_ms: 0, to_ms: 8_640_000_000_000_000, retailer_id: '', creator_id: '', show_id: '', region: '', window_ms: 86_400_000, variants: ',short,long,' };

const definition = parseExperimentDefinitions([{
  id: 'fmt', unit: 'show', variants: [{ id: 'short', weight: 1 }, { id: 'long', weight: 3 }], control: 'short',
  metrics: ['converted', 'revenue', 'watch_minutes', 'clicks'], guardrails: ['rebuffer_pct', 'playback_failure_pct', 'ebvs_pct'],
}]).get('fmt')!;

/** Per show (numerator, denominator) as in the fixture's table, by variant. */
const PER_SHOW: Record<string, Record<string, Array<[number, number]>>> = {
  converted: { short: [[1, 2], [0, 1]], long: [[2, 3], [1, 1]] },
  'revenue/USD': { short: [[10, 2], [0, 1]], long: [[20, 3], [30, 1]] },
  'revenue/EUR': { short: [[0, 2], [0, 1]], long: [[5, 3], [0, 1]] },
  watch_minutes: { short: [[3, 2], [0.5, 1]], long: [[4, 3], [4, 1]] },
  clicks: { short: [[1, 2], [1, 1]], long: [[2, 3], [1, 1]] },
  rebuffer_pct: { short: [[0, 180_000], [0, 30_000]], long: [[100_000, 241_000], [0, 240_000]] },
  playback_failure_pct: { short: [[0, 2], [0, 1]], long: [[100, 3], [0, 1]] },
  ebvs_pct: { short: [[0, 2], [100, 1]], long: [[100, 3], [100, 1]] },
};

function sumsOf(units: Array<[number, number]>) {
  return {
    n: units.length,
    sum: units.reduce((s, [y]) => s + y, 0),
    sum_squares: units.reduce((s, [y]) => s + y * y, 0),
    denominator_sum: units.reduce((s, [, x]) => s + x, 0),
    denominator_sum_squares: units.reduce((s, [, x]) => s + x * x, 0),
    main_denominator_sum_product: units.reduce((s, [y, x]) => s + y * x, 0),
  };
}

/** The ratio's mean and per-unit variance by linearization: var(y − R·x)/μx², two-pass. */
function linearized(units: Array<[number, number]>) {
  const n = units.length;
  const r = units.reduce((s, [y]) => s + y, 0) / units.reduce((s, [, x]) => s + x, 0);
  const muX = units.reduce((s, [, x]) => s + x, 0) / n;
  const residuals = units.map(([y, x]) => y - r * x);
  const m = residuals.reduce((s, e) => s + e, 0) / n;
  return { mean: r, variance: residuals.reduce((s, e) => s + (e - m) ** 2, 0) / (n - 1) / muX ** 2 };
}

describe('per-show sufficient statistics (experiment_show_metrics)', () => {
  it('equal the hand-computed sums of every metric, currency and variant; n counts shows', async () => {
    const rows = await engine.run('experiment_show_metrics', PARAMS);
    const got = new Map(rows.map((r) => [`${String(r.metric)}${r.currency ? `/${String(r.currency)}` : ''}/${String(r.variant)}`, r]));
    expect(got.size).toBe(16);
    for (const [metric, byVariant] of Object.entries(PER_SHOW)) {
      for (const [variant, units] of Object.entries(byVariant)) {
        const row = got.get(`${metric}/${variant}`)!;
        const expected = sumsOf(units);
        for (const [field, value] of Object.entries(expected)) expect([metric, variant, field, Number(row[field])]).toEqual([metric, variant, field, value]);
      }
    }
    // Viewers over shows: short 2 + 1, long 3 + 1 (v1 counts in both variants).
    expect(Number(got.get('converted/short')!.viewers)).toBe(3);
    expect(Number(got.get('converted/long')!.viewers)).toBe(4);
  });

  it('count exposed, disagreeing and unlisted shows', async () => {
    const [ex] = await engine.run('experiment_show_exclusions', PARAMS);
    expect(ex).toEqual({ exposed_shows: 6, excluded_shows: 1, unlisted_shows: 1 });
    const [any] = await engine.run('experiment_show_exclusions', { ...PARAMS, variants: '' });
    expect(any).toEqual({ exposed_shows: 6, excluded_shows: 1, unlisted_shows: 0 });
  });
});

describe('analyzeExperiment on a show-level experiment', () => {
  it('analyses ratios over shows by the delta method (n = shows), SRM on shows, no CUPED', async () => {
    const report = await analyzeExperiment(engine, 'fmt', { definition });
    expect(report).toMatchObject({ unit: 'show', control: 'short', exposed_shows: 6, excluded_shows: 1, unlisted_shows: 1, exposed_viewers: null });
    expect(report.assignments).toEqual([
      { variant: 'short', viewers: 3, shows: 2, planned_share: 0.25, observed_share: 0.5 },
      { variant: 'long', viewers: 4, shows: 2, planned_share: 0.75, observed_share: 0.5 },
    ]);
    expect(report.srm_p_value).toBeCloseTo(srmPValue([2, 2], [1, 3]), 12);
    expect(report.rows.map((r) => `${r.metric}${r.currency ? `/${r.currency}` : ''}:${r.guardrail}`)).toEqual([
      'converted:false', 'revenue/EUR:false', 'revenue/USD:false', 'watch_minutes:false', 'clicks:false',
      'rebuffer_pct:true', 'playback_failure_pct:true', 'ebvs_pct:true',
    ]);
    for (const row of report.rows) {
      const key = `${row.metric}${row.currency ? `/${row.currency}` : ''}`;
      const a = linearized(PER_SHOW[key]!.short!);
      const b = linearized(PER_SHOW[key]!.long!);
      expect([key, row.control_mean, row.mean]).toEqual([key, expect.closeTo(a.mean, 12), expect.closeTo(b.mean, 12)]);
      expect([row.shows, row.viewers]).toEqual([2, 4]);
      expect([row.cuped_relative_lift, row.cuped_theta, row.cuped_mde_relative]).toEqual([null, null, null]);
      if (a.variance / 2 + b.variance / 2 === 0) continue;
      const se = Math.sqrt(a.variance / 2 + b.variance / 2);
      const half = studentTQuantile(0.975, welchDof(a.variance, 2, b.variance, 2)) * se;
      expect(row.absolute_ci_low).toBeCloseTo(b.mean - a.mean - half, 9);
      expect(row.absolute_ci_high).toBeCloseTo(b.mean - a.mean + half, 9);
      if (a.mean !== 0) expect(row.mde_relative).toBeCloseTo((1.959963985 + 0.841621234) * se / Math.abs(a.mean), 6);
    }
    const usd = report.rows.find((r) => r.currency === 'USD')!;
    expect(usd.control_mean).toBeCloseTo(10 / 3, 12);
    expect(usd.mean).toBeCloseTo(50 / 4, 12);
  });

  it('prints shows, not viewers, in the summary and no CUPED columns', async () => {
    const text = formatExperimentReport(await analyzeExperiment(engine, 'fmt', { definition }), 'table');
    expect(text).toMatch(/shows exposed 6, excluded whose events disagree on the variant 1, excluded for an unlisted variant 1/);
    expect(text).toMatch(/short: 2 shows, 3 viewers \(50\.0% of shows; planned 25\.0%\)/);
    expect(text).toMatch(/sample ratio \(shows\): p = /);
    expect(text).not.toMatch(/cuped_/);
  });
});
