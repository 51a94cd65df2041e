/** `livelens stats` end to end: the real CLI, a file and stdin, the SPEC section 6 JSON. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStats } from '../cli/commands/stats.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/livelens.js');

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
