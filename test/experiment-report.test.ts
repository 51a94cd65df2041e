/**
 * The experiment queries and report against a real DuckDB over
 * hand-made Parquet fixtures; every expected sum is computed by hand from
 * the fixture below.
 */
import { withPartitionBounds } from '../pipeline/engine/partition-bounds.ts';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine, type DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import type { Row } from '../pipeline/engine/engine.ts';
import { analyzeExperiment } from '../pipeline/reports/experiment.ts';
import { toPositional } from '../pipeline/engine/parameters.ts';
import { loadQuery } from '../pipeline/engine/query-files.ts';
import { compareArms } from '../stats/analyze.ts';
import { srmPValue } from '../stats/srm.ts';
import { holmAdjust } from '../stats/multiple.ts';
import { parseExperimentDefinitions } from '../pipeline/reports/experiment-definitions.ts';
import { DAY_MS_FOR_TEST, fixtureEvents, fixtureOrders } from './experiment-fixtures.ts';
import { MINUTE_MS, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';

let dataDir = '';
let engine: DuckDbEngine;

beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', fixtureEvents());
  await writeLakeTable(dataDir, 'orders', fixtureOrders());
  engine = await createDuckDbEngine({ dataDir, threads: 1, memoryLimit: '256MB' });
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const PARAMS = {
  experiment_id: 'exp1', from_ms: 0, to_ms: 8_640_000_000_000_000, retailer_id: '', creator_id: '', show_id: '', region: '',
  window_ms: 86_400_000, lookback_ms: 14 * DAY_MS_FOR_TEST, cap_percentile: 1, variants: '', by_retailer: 0, qoe_sessions: 0,
};

type Sums = { n: number; sum: number; sum_squares: number; covariate_sum: number; covariate_sum_squares: number; main_covariate_sum_product: number };

/** The metrics' sums, the same whether experiment_unit_sessions is per viewer or per session (for the QoE guardrails). */
async function metricSums(params: Record<string, string | number> = PARAMS): Promise<Map<string, Sums>> {
  const [perViewer, perSession] = await Promise.all([0, 1].map(async (qoe) => sumsOf(await engine.run('experiment_metrics', { ...params, qoe_sessions: qoe }))));
  expect(perSession).toEqual(perViewer);
  return perViewer!;
}

function sumsOf(rows: Row[]): Map<string, Sums> {
  return new Map(rows.map((r) => [
    `${String(r.metric)}/${r.currency ?? '-'}/${String(r.variant)}`,
    {
      n: Number(r.n), sum: Number(r.sum), sum_squares: Number(r.sum_squares),
      covariate_sum: Number(r.covariate_sum), covariate_sum_squares: Number(r.covariate_sum_squares),
      main_covariate_sum_product: Number(r.main_covariate_sum_product),
    },
  ]));
}

describe('experiment queries on DuckDB', () => {
  it('assigns each viewer the one variant seen, and counts the viewer seen in two variants (no variant: excluded)', async () => {
    const rows = await engine.run('experiment_assignments', PARAMS);
    const byViewer = new Map(rows.map((r) => [String(r.viewer_id), r]));
    expect([...byViewer.keys()].sort()).toEqual(['va1', 'va2', 'va3', 'vb1', 'vb2', 'vb3', 'vx']);
    expect(byViewer.get('va3')?.variant).toBe('control'); // only from the experiments column
    expect(byViewer.get('vx')?.variants_seen).toBe(2);
    expect(byViewer.get('vx')?.variant).toBeNull();
    const [ex] = await engine.run('experiment_exclusions', PARAMS);
    expect(ex).toEqual({ retailer_id: '', exposed_viewers: 7, excluded_viewers: 1, unlisted_viewers: 0 });
  });

  it('computes the sufficient statistics per variant and metric (hand-computed)', async () => {
    const got = await metricSums();
    expect(got.get('watch_minutes/-/control')).toEqual({ n: 3, sum: 3.5, sum_squares: 5.25, covariate_sum: 3, covariate_sum_squares: 5, main_covariate_sum_product: 4 });
    expect(got.get('watch_minutes/-/treatment')).toEqual({ n: 3, sum: 7, sum_squares: 25, covariate_sum: 2, covariate_sum_squares: 4, main_covariate_sum_product: 6 });
    expect(got.get('clicks/-/control')).toEqual({ n: 3, sum: 2, sum_squares: 2, covariate_sum: 1, covariate_sum_squares: 1, main_covariate_sum_product: 1 });
    expect(got.get('clicks/-/treatment')).toEqual({ n: 3, sum: 2, sum_squares: 2, covariate_sum: 0, covariate_sum_squares: 0, main_covariate_sum_product: 0 });
    expect(got.get('converted/-/control')).toEqual({ n: 3, sum: 1, sum_squares: 1, covariate_sum: 1, covariate_sum_squares: 1, main_covariate_sum_product: 1 });
    expect(got.get('converted/-/treatment')).toEqual({ n: 3, sum: 2, sum_squares: 2, covariate_sum: 0, covariate_sum_squares: 0, main_covariate_sum_product: 0 });
    expect(got.get('revenue/USD/control')).toEqual({ n: 3, sum: 20, sum_squares: 400, covariate_sum: 5, covariate_sum_squares: 25, main_covariate_sum_product: 100 });
    expect(got.get('revenue/USD/treatment')).toEqual({ n: 3, sum: 30, sum_squares: 900, covariate_sum: 0, covariate_sum_squares: 0, main_covariate_sum_product: 0 });
    expect(got.get('revenue/EUR/control')).toEqual({ n: 3, sum: 0, sum_squares: 0, covariate_sum: 0, covariate_sum_squares: 0, main_covariate_sum_product: 0 });
    expect(got.get('revenue/EUR/treatment')).toEqual({ n: 3, sum: 8, sum_squares: 64, covariate_sum: 0, covariate_sum_squares: 0, main_covariate_sum_product: 0 });
    expect(got.size).toBe(10);
  });

  it('caps revenue at the linear-interpolated percentile of viewers, per currency', async () => {
    // USD per viewer [0, 0, 0, 0, 20, 30]: the 90th percentile is 25; pre-exposure [0, 0, 0, 0, 0, 5]: 2.5.
    const got = await metricSums({ ...PARAMS, cap_percentile: 0.9 });
    expect(got.get('revenue/USD/control')).toMatchObject({ sum: 20, covariate_sum: 2.5, main_covariate_sum_product: 50 });
    expect(got.get('revenue/USD/treatment')).toMatchObject({ sum: 25, sum_squares: 625 });
  });

  it('counts only exposures inside --from/--to, and nothing for an experiment nobody saw', async () => {
    const late = await metricSums({ ...PARAMS, from_ms: T0 + 30 * MINUTE_MS });
    expect(late.get('watch_minutes/-/control')).toEqual({ n: 1, sum: 1, sum_squares: 1, covariate_sum: 2, covariate_sum_squares: 4, main_covariate_sum_product: 2 });
    expect(late.has('watch_minutes/-/treatment')).toBe(false);
    const none = await metricSums({ ...PARAMS, experiment_id: 'no-such-experiment' });
    expect(none.size).toBe(0);
  });
});

describe('experiment queries for Athena', () => {
  it('are one self-contained Trino statement each, with only Trino functions and every parameter bound', () => {
    for (const name of ['experiment_assignments', 'experiment_exclusions', 'experiment_metrics', 'experiment_guardrails', 'experiment_show_assignments', 'experiment_show_exclusions', 'experiment_show_metrics']) {
      const sql = loadQuery(name);
      // DuckDB spellings the compat macros stand in for must not appear in the shared text.
      expect(sql).not.toMatch(/json_extract_string|quantile_cont|list_|struct_|::/);
      const { sql: withMarks, values } = toPositional(sql, withPartitionBounds(sql, PARAMS));
      const positional = withMarks.replace(/--.*$/gm, '');
      expect(positional).not.toMatch(/\$[a-z_]+/);
      expect(values.length).toBe((positional.match(/\?/g) ?? []).length);
    }
  });
});

describe('analyzeExperiment', () => {
  it('reports assignments, SRM, exclusions and each metric unadjusted beside CUPED', async () => {
    const report = await analyzeExperiment(engine, 'exp1', { lookbackMs: 14 * DAY_MS_FOR_TEST });
    expect(report.control).toBe('control');
    expect(report.exposed_viewers).toBe(7);
    expect(report.excluded_viewers).toBe(1);
    expect(report.assignments.map((a) => [a.variant, a.viewers])).toEqual([['control', 3], ['treatment', 3]]);
    expect(report.srm_p_value).toBe(1);
    expect(report.srm_flagged).toBe(false);
    expect(report.rows.map((r) => `${r.metric}/${r.currency ?? '-'}`)).toEqual(['converted/-', 'revenue/EUR', 'revenue/USD', 'watch_minutes/-', 'clicks/-']);

    const watch = report.rows.find((r) => r.metric === 'watch_minutes')!;
    expect(watch.mean).toBeCloseTo(7 / 3, 12);
    expect(watch.control_mean).toBeCloseTo(3.5 / 3, 12);
    // Second route: the engine on the hand-computed sums.
    const a = { n: 3, sum: 3.5, sum_squares: 5.25, covariate_sum: 3, covariate_sum_squares: 5, main_covariate_sum_product: 4 };
    const b = { n: 3, sum: 7, sum_squares: 25, covariate_sum: 2, covariate_sum_squares: 4, main_covariate_sum_product: 6 };
    const plain = compareArms(a, b, { metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05, cuped: false });
    const cuped = compareArms(a, b, { metric: 'mean', method: 'frequentist', relative: true, alpha: 0.05 });
    expect(watch.absolute_lift).toBeCloseTo(3.5 / 3, 12);
    expect(watch.absolute_ci_low).toBeCloseTo(plain.ci![0], 12);
    expect(watch.absolute_p_value).toBeCloseTo(plain.p_value!, 12);
    const plainRelative = compareArms(a, b, { metric: 'mean', method: 'frequentist', relative: true, alpha: 0.05, cuped: false });
    expect(watch.p_value).toBeCloseTo(plainRelative.p_value!, 12);
    // The p-value agrees with the relative interval beside it: significant exactly when 0 is outside.
    expect(watch.p_value! < 0.05).toBe(watch.relative_ci_low! > 0 || watch.relative_ci_high! < 0);
    expect(watch.relative_lift).toBeCloseTo(1, 12);
    expect(watch.cuped_relative_lift).toBeCloseTo(cuped.expected!, 12);
    expect(watch.cuped_theta).toBeCloseTo(cuped.cuped_theta!, 12);
    // pooled: x = [1, 0, 2, 2, 0, 0], y = [2, 0.5, 1, 3, 4, 0]: cov 0.25, var(x) 0.9667
    expect(watch.cuped_theta).toBeCloseTo(0.25 / (29 / 30), 12);

    // Power (docs/spec.md §4): control y = [2, 0.5, 1] (var 7/12), treatment y = [3, 4, 0] (var 13/3), μA = 7/6.
    const zSum = 1.959963985 + 0.841621234;
    expect(watch.mde_relative).toBeCloseTo((zSum * Math.sqrt(7 / 12 / 3 + 13 / 3 / 3)) / (7 / 6), 6);
    // CUPED: the adjusted variance per arm, y − θ·x computed unit by unit.
    const theta = 0.25 / (29 / 30);
    const adjVar = (ys: number[], xs: number[]) => {
      const zs = ys.map((y, i) => y - theta * (xs[i] as number));
      const m = zs.reduce((t, z) => t + z, 0) / zs.length;
      return zs.reduce((t, z) => t + (z - m) ** 2, 0) / (zs.length - 1);
    };
    const cupedSe = Math.sqrt(adjVar([2, 0.5, 1], [1, 0, 2]) / 3 + adjVar([3, 4, 0], [2, 0, 0]) / 3);
    expect(watch.cuped_mde_relative).toBeCloseTo((zSum * cupedSe) / (7 / 6), 6);

    const eur = report.rows.find((r) => r.currency === 'EUR')!;
    expect(eur.mde_relative).toBeNull(); // control mean 0
    expect(eur.relative_lift).toBeNull();
    expect(eur.note).toMatch(/control mean is 0|zero variance/);
  });

  it('uses planned weights for SRM and honours --control and the Bayesian method', async () => {
    const report = await analyzeExperiment(engine, 'exp1', {
      weights: { control: 0.9, treatment: 0.1 }, control: 'treatment', method: 'bayesian',
    });
    expect(report.control).toBe('treatment');
    expect(report.srm_p_value).toBeCloseTo(srmPValue([3, 3], [0.1, 0.9]), 12);
    const watch = report.rows.find((r) => r.metric === 'watch_minutes')!;
    expect(watch.variant).toBe('control');
    expect(watch.p_value).toBeNull();
    expect(watch.chance_to_win).toBeLessThan(0.5);
    expect(watch.risk_control! + watch.risk_variant!).toBeGreaterThan(0);
  });

  it('lists a planned variant nobody saw, so the sample-ratio check catches it', async () => {
    const report = await analyzeExperiment(engine, 'exp1', { weights: { control: 1, treatment: 1, ghost: 1 } });
    expect(report.assignments.map((a) => [a.variant, a.viewers])).toEqual([['control', 3], ['ghost', 0], ['treatment', 3]]);
    expect(report.srm_p_value).toBeCloseTo(srmPValue([3, 0, 3], [1, 1, 1]), 12);
    expect(report.rows.filter((r) => r.variant === 'ghost').every((r) => r.note !== null && r.p_value === null)).toBe(true);
  });

  it('refuses an experiment id that would change the JSON path', async () => {
    await expect(analyzeExperiment(engine, 'a"b')).rejects.toThrow(/may not contain/);
  });

  it('says which control it could not find', async () => {
    await expect(analyzeExperiment(engine, 'exp1', { control: 'nope' })).rejects.toThrow(/control variant "nope" was not seen.*control, treatment/);
  });
});

describe('analyzeExperiment with a definition (docs/spec.md §4)', () => {
  const define = (entry: Record<string, unknown>) => parseExperimentDefinitions([{ id: 'exp1', ...entry }]).get('exp1')!;

  it('uses the planned weights in the sample-ratio test and reports the unit', async () => {
    const definition = define({ variants: [{ id: 'control', weight: 1 }, { id: 'treatment', weight: 9 }] });
    const report = await analyzeExperiment(engine, 'exp1', { definition });
    expect(report.unit).toBe('viewer');
    expect(report.srm_p_value).toBeCloseTo(srmPValue([3, 3], [0.1, 0.9]), 12);
    expect(report.assignments.map((a) => a.planned_share)).toEqual([0.1, 0.9]);
    // Flags override the file.
    const flagged = await analyzeExperiment(engine, 'exp1', { definition, weights: { control: 1, treatment: 1 } });
    expect(flagged.srm_p_value).toBe(1);
  });

  it('excludes and counts viewers of a variant the definition does not list', async () => {
    const report = await analyzeExperiment(engine, 'exp1', { definition: define({ variants: [{ id: 'control' }, { id: 'ghost' }] }) });
    expect(report.exposed_viewers).toBe(7);
    expect(report.excluded_viewers).toBe(1);
    expect(report.unlisted_viewers).toBe(3); // vb1, vb2, vb3 in "treatment"
    expect(report.assignments.map((a) => [a.variant, a.viewers])).toEqual([['control', 3], ['ghost', 0]]);
    expect(report.rows.every((r) => r.variant === 'ghost')).toBe(true);
  });

  it('analyses the period [start, end) of the definition', async () => {
    const report = await analyzeExperiment(engine, 'exp1', { definition: define({ variants: [{ id: 'control' }, { id: 'treatment' }], start: T0 + 30 * MINUTE_MS }) });
    expect(report.from_ms).toBe(T0 + 30 * MINUTE_MS);
    expect(report.assignments.map((a) => [a.variant, a.viewers])).toEqual([['control', 1], ['treatment', 0]]);
  });

  it('reports guardrails apart, marked, and leaves them out of the Holm correction', async () => {
    const definition = define({
      variants: [{ id: 'control' }, { id: 'treatment' }],
      metrics: ['converted', 'watch_minutes', 'clicks'], guardrails: ['revenue', 'ebvs_pct', 'rebuffer_pct'],
    });
    const holm = await analyzeExperiment(engine, 'exp1', { definition, correction: 'holm' });
    const raw = await analyzeExperiment(engine, 'exp1', { definition });
    expect(holm.rows.map((r) => `${r.metric}/${r.currency ?? '-'}/${r.guardrail}`)).toEqual([
      'converted/-/false', 'watch_minutes/-/false', 'clicks/-/false',
      'revenue/EUR/true', 'revenue/USD/true', 'ebvs_pct/-/true', 'rebuffer_pct/-/true',
    ]);
    // Primary metrics: Holm over their own three p-values only.
    const primaryRaw = raw.rows.filter((r) => !r.guardrail).map((r) => r.p_value as number);
    const adjusted = holmAdjust(primaryRaw);
    holm.rows.filter((r) => !r.guardrail).forEach((r, i) => expect(r.p_value).toBeCloseTo(adjusted[i] as number, 12));
    // Guardrails: exactly the uncorrected comparison.
    const usd = (rows: typeof raw.rows) => rows.find((r) => r.metric === 'revenue' && r.currency === 'USD')!;
    expect(usd(holm.rows).p_value).toBe(usd(raw.rows).p_value);
    expect(usd(holm.rows).relative_ci_low).toBe(usd(raw.rows).relative_ci_low);
    // QoE guardrails are ratios over viewers: every viewer has one session (sess1) without a startup event.
    const ebvs = holm.rows.find((r) => r.metric === 'ebvs_pct')!;
    expect([ebvs.control_mean, ebvs.mean]).toEqual([100, 100]);
    expect(ebvs.cuped_theta).toBeNull();
    const rebuffer = holm.rows.find((r) => r.metric === 'rebuffer_pct')!;
    expect([rebuffer.control_mean, rebuffer.mean]).toEqual([0, 0]);
    expect(rebuffer.mde_relative).toBeNull();
  });
});
