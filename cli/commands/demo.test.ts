import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { demoKeys } from './demo.ts';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'livelens-demo-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('demoKeys', () => {
  it('uses a configured key for a retailer that has one and generates the others', () => {
    const keys = demoKeys('mine-12345678@lumiere,other-12345678');
    expect(keys.lumiere).toBe('mine-12345678');
    expect(keys.northwind).toMatch(/^demo-northwind-[0-9a-f]{12}$/);
    expect(demoKeys(undefined).northwind).not.toBe(demoKeys(undefined).northwind);
  });
});

describe('livelens demo --exit', () => {
  it('runs a small day end to end, prints the truth check, collector and keys, and replaces its data on a second run', async () => {
    const dataDir = join(root, 'data');
    const args = ['bin/livelens.js', 'demo', '--exit', '--port', '0', '--data-dir', dataDir, '--viewers', '40', '--shows', '2', '--hours', '1'];
    const first = await run(process.execPath, args, { env: { ...process.env, LIVELENS_WRITE_KEYS: '' } });
    expect(first.stdout).toContain(`data in ${dataDir} (fresh)`);
    expect(first.stdout).toMatch(/Ground truth check: all \d+ report groups/);
    expect(first.stdout).toMatch(/Collector: http:\/\/127\.0\.0\.1:\d+\/v1\/events/);
    expect(first.stdout).toMatch(/Write key for retailer northwind: demo-northwind-/);
    expect(existsSync(join(dataDir, 'demo.json'))).toBe(true);
    const second = await run(process.execPath, args, { env: { ...process.env, LIVELENS_WRITE_KEYS: '' } });
    expect(second.stdout).toContain('(replaced previous demo)');
  }, 90_000);
});
