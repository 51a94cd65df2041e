/**
 * The CLI applies setting flags over environment variables, also for the
 * modules that read the environment (engines), and fails with one clear line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'livelens-cli-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function livelens(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/livelens.js', ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('livelens settings on the command line', () => {
  it('a DuckDB flag reaches the engine and wins over its variable', async () => {
    const bad = await livelens(['report', 'conversion', '--by', 'creator', '--data-dir', dir, '--duckdb-threads', 'abc']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('livelens report conversion: --duckdb-threads must be a whole number from 1 to 1024 threads; got "abc"');
    const good = await livelens(['report', 'conversion', '--by', 'creator', '--data-dir', dir, '--duckdb-threads', '1', '--format', 'json'], {
      LIVELENS_DUCKDB_THREADS: 'abc',
    });
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ rows: [] });
  });

  it('the Athena engine without a region says what to set, in one line', async () => {
    const out = await livelens(['report', 'qoe', '--by', 'region', '--engine', 'athena'], { AWS_REGION: '', AWS_DEFAULT_REGION: '', HOME: dir });
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain('needs an AWS region: set AWS_REGION (or --aws-region)');
  });
});
