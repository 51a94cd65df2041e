/** `livelens report experiment` end to end: the real CLI on Parquet fixtures, each format. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEvents, fixtureOrders } from './experiment-fixtures.ts';
import { tempDataDir, writeLakeTable } from './queries-fixtures.ts';
import { experimentOptions } from '../pipeline/reports/experiment-parameters.ts';
import { createDuckDbEngine } from '../pipeline/engine/duckdb.ts';
import { formatExperimentReport } from '../pipeline/reports/experiment-output.ts';
import { runExperimentReport } from '../pipeline/reports/experiment-run.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/livelens.js');
let dataDir = '';

function livelens(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, LIVELENS_ENGINE: 'duckdb', LIVELENS_DUCKDB_THREADS: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', fixtureEvents());
  await writeLakeTable(dataDir, 'orders', fixtureOrders());
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('livelens report experiment', () => {
  it('--format json: rows plus, per retailer, assignments, SRM and exclusions', async () => {
    const { code, stdout } = await livelens(['report', 'experiment', 'exp1', '--data-dir', dataDir, '--format', 'json', '--weights', 'control=1,treatment=1']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as Record<string, unknown> & { rows: Array<Record<string, unknown>>; retailers: Array<Record<string, unknown>> };
    expect(out.retailers.map((r) => [r.retailer_id, r.excluded_viewers, r.srm_p_value])).toEqual([['r1', 1, 1]]);
    expect(out.rows.every((r) => r.retailer_id === 'r1')).toBe(true);
    expect(out.rows.map((r) => r.metric)).toEqual(['converted', 'revenue', 'revenue', 'watch_minutes', 'clicks']);
    expect(out.rows[0]).toHaveProperty('cuped_relative_lift');
    expect(out.rows[0]).toHaveProperty('relative_ci_low');
  });

  it('--format table: the SRM verdict and the CUPED columns beside the unadjusted ones', async () => {
    const { code, stdout } = await livelens(['report', 'experiment', 'exp1', '--data-dir', dataDir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/sample ratio of retailer r1: p = 1\.000 \(no mismatch\)/);
    expect(stdout).toMatch(/excluded for seeing several variants 1/);
    expect(stdout).toMatch(/relative_lift .* p_value .* cuped_relative_lift .* cuped_p_value/);
  });

  it('--format csv with --method bayesian: chance to win instead of p (in process)', async () => {
    const engine = await createDuckDbEngine({ dataDir, threads: 1 });
    try {
      const report = await runExperimentReport('exp1', { ...experimentOptions({ method: 'bayesian' }), queryEngine: engine });
      const [header, first] = formatExperimentReport(report, 'csv').split('\r\n');
      const cells = Object.fromEntries(header!.split(',').map((h, i) => [h, first!.split(',')[i]]));
      expect(cells.metric).toBe('converted');
      expect(cells.p_value).toBe('');
      expect(Number(cells.chance_to_win)).toBeGreaterThan(0.5);
    } finally {
      await engine.close();
    }
  });

  it('--experiments: the definition sets weights and guardrails, shown apart in the table; a bad file exits 1 naming the field', async () => {
    const file = path.join(dataDir, 'defs.json');
    fs.writeFileSync(file, JSON.stringify([{
      id: 'exp1', name: 'Checkout button', hypothesis: 'a bigger button sells more', variants: [{ id: 'control', weight: 1 }, { id: 'treatment', weight: 3 }],
      metrics: ['converted', 'watch_minutes'], guardrails: ['clicks'],
    }]));
    const { code, stdout } = await livelens(['report', 'experiment', 'exp1', '--data-dir', dataDir, '--experiments', file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/experiment exp1 \(Checkout button\) of retailer r1: unit viewer/);
    expect(stdout).toMatch(/hypothesis: a bigger button sells more/);
    expect(stdout).toMatch(/control: 3 viewers \(50\.0%; planned 25\.0%\)/);
    const [primary, guardrails] = stdout.split(/\nguardrails \(not in the correction[^\n]*\n/);
    // Rows lead with the retailer.
    expect(primary).toMatch(/\nr1 +converted /);
    expect(primary).not.toMatch(/\nr1 +clicks /);
    expect(guardrails).toMatch(/\nr1 +clicks /);
    fs.writeFileSync(file, JSON.stringify([{ id: 'exp1', variants: [{ id: 'control' }, { id: 'treatment' }], metrics: ['sales'] }]));
    const bad = await livelens(['report', 'experiment', 'exp1', '--data-dir', dataDir, '--experiments', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`livelens report experiment: ${file}: experiment "exp1": metrics[0] "sales" is not a known metric; allowed: converted, revenue, watch_minutes, clicks`);
  });

  it('rejects bad flags saying what is allowed', () => {
    expect(() => experimentOptions({ weights: 'control:1' })).toThrow(/^weights: entry "control:1" is not variant=weight/);
    expect(() => experimentOptions({ cap: '2' })).toThrow(/^cap: "2" is not allowed/);
    expect(() => experimentOptions({ prior: 'wide' })).toThrow(/^prior: "wide"/);
    expect(experimentOptions({ weights: 'a=1,b=3', lookback_days: '7', alpha: '0.1' })).toMatchObject({
      weights: { a: 1, b: 3 }, lookbackMs: 7 * 86_400_000, alpha: 0.1,
    });
  });
});
