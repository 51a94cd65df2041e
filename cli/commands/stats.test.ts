/** `livelens stats` end to end: the real CLI, a file and stdin, the docs/spec.md §6 JSON. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStats } from './stats.ts';
import { planPower } from './stats-power.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/livelens.js');

function livelens(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

// R's sleep data as sums: control = group 2, variant = group 1.
const SLEEP_INPUT = {
  metric: 'mean', method: 'frequentist', relative: false, alpha: 0.05, weights: [0.5, 0.5],
  variants: [{ n: 10, sum: 23.3, sum_squares: 90.37 }, { n: 10, sum: 7.5, sum_squares: 34.43 }],
};

describe('livelens stats', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'livelens-stats-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and prints exactly the SPEC fields', async () => {
    const file = path.join(dir, 'sleep.json');
    await writeFile(file, JSON.stringify(SLEEP_INPUT));
    const { code, stdout } = await livelens(['stats', '--input', file]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { srm_p_value: number; results: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(['srm_p_value', 'results']);
    expect(out.srm_p_value).toBe(1);
    const r = out.results[0]!;
    expect(Object.keys(r)).toEqual(['variant', 'expected', 'ci', 'p_value', 'chance_to_win', 'risk']);
    expect(r.variant).toBe(1);
    expect(r.p_value as number).toBeCloseTo(0.07939, 4);
    expect((r.ci as number[])[0]).toBeCloseTo(-3.3654832, 6);
    expect(r.chance_to_win).toBeNull();
    expect(r.risk).toBeNull();
  });

  it('reads stdin with --input - and rejects bad input naming the field, exit code 1', async () => {
    const { code, stdout, stderr } = await livelens(['stats', '--input', '-'], '{"metric":"median","variants":[]}');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/\/metric/);
    expect(stderr).toMatch(/\/variants/);
  });

  it('refuses sums no data can give (sum_squares < sum²/n) with one line naming variant and field, exit 1', async () => {
    const input = { ...SLEEP_INPUT, variants: [SLEEP_INPUT.variants[0], { n: 10, sum: 7.5, sum_squares: 5 }] };
    const { code, stdout, stderr } = await livelens(['stats', '--input', '-'], JSON.stringify(input));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^livelens stats: variants\[1\]\.sum_squares is 5 but must be at least sum²\/n = 5\.625/);
  });

  it('--power answers units per arm for a lift, and the detectable lift for a sample', async () => {
    const z = 1.959963985 + 0.841621234;
    const plan = await livelens(['stats', '--power', '--baseline', '0.05', '--lift', '0.1']);
    expect(plan.code).toBe(0);
    const out = JSON.parse(plan.stdout) as Record<string, number | null>;
    expect(out).toMatchObject({ baseline: 0.05, variance: 0.05 * 0.95, alpha: 0.05, power: 0.8, relative_effect: 0.1, mde_relative: null });
    expect(out.units_per_arm).toBe(Math.ceil((z * z * 2 * 0.0475) / 0.005 ** 2));
    expect(out.total_units).toBe(2 * (out.units_per_arm as number));
    const bad = await livelens(['stats', '--power', '--baseline', '3', '--lift', '0.1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^livelens stats --power: --variance is needed/);
  });

  it('--power with --units gives the MDE; flag errors name the flag (in process)', () => {
    const zz = 1.644853627 + 1.281551566;
    const mde = planPower({ power: '0.9', baseline: '12.5', variance: '400', units: '12', alpha: '0.1' });
    expect(mde.mde_relative).toBeCloseTo((zz * Math.sqrt(800 / 12)) / 12.5, 6);
    expect(mde).toMatchObject({ power: 0.9, alpha: 0.1, units_per_arm: 12, total_units: 24, relative_effect: null });
    expect(() => planPower({ power: true, baseline: '0.1', lift: '0.1', units: '40' })).toThrow(/exactly one of --lift .* or --units/);
    expect(() => planPower({ power: '80', baseline: '0.1', lift: '0.1' })).toThrow(/^--power must be a probability between 0 and 1/);
    expect(() => planPower({ power: true, lift: '0.1' })).toThrow(/needs --baseline/);
    expect(() => planPower({ power: true, baseline: '0.1', units: '1.5' })).toThrow(/^--units must be a whole number/);
  });

  it('Bayesian fills chance to win and risk, not p (in process)', () => {
    const r = runStats(JSON.stringify({ ...SLEEP_INPUT, method: 'bayesian' })).output.results[0]!;
    expect(r.p_value).toBeNull();
    expect(r.chance_to_win as number).toBeLessThan(0.1);
    expect(r.risk?.length).toBe(2);
  });

  it('warns and prints nulls when a comparison cannot be made (in process)', () => {
    const input = { metric: 'mean', relative: true, variants: [{ n: 5, sum: 0, sum_squares: 4 }, { n: 5, sum: 2, sum_squares: 4 }] };
    const { output, warnings } = runStats(JSON.stringify(input));
    expect(output.results[0]!.expected).toBeNull();
    expect(warnings.join()).toMatch(/control mean is 0/);
    expect(() => runStats('{not json')).toThrow(/not JSON/);
  });
});
