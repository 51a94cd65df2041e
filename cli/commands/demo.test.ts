import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TRICKLE_VIEWERS } from '../../live/demo-trickle.ts';
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

describe('livelens demo', () => {
  it('--exit runs a small day end to end, prints the truth check, collector and keys; without it, it replaces the data, keeps serving with the live trickle, and stops on SIGINT', async () => {
    const dataDir = join(root, 'data');
    const args = ['bin/livelens.js', 'demo', '--exit', '--port', '0', '--data-dir', dataDir, '--viewers', '40', '--shows', '2', '--hours', '1'];
    const first = await run(process.execPath, args, { env: { ...process.env, LIVELENS_WRITE_KEYS: '' } });
    expect(first.stdout).toContain(`data in ${dataDir} (fresh)`);
    expect(first.stdout).toMatch(/Ground truth check: all \d+ report groups/);
    expect(first.stdout).toMatch(/Collector: http:\/\/127\.0\.0\.1:\d+\/v1\/events/);
    expect(first.stdout).toMatch(/Write key for retailer northwind: demo-northwind-/);
    expect(existsSync(join(dataDir, 'demo.json'))).toBe(true);

    // Without --exit: after the day it keeps serving; the trickle's viewers are in the live snapshot within seconds.
    const token = 'demo-test-admin-token-0001';
    const child = spawn(process.execPath, args.filter((a) => a !== '--exit'), {
      env: { ...process.env, LIVELENS_WRITE_KEYS: '', LIVELENS_DASHBOARD_TOKENS: `${token}=admin` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', () => undefined); // the live log (alerts, trickle) is not checked here
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const until = async (what: string, cond: () => boolean | Promise<boolean>, ms = 60_000) => {
        for (const deadline = Date.now() + ms; !(await cond()); await new Promise((r) => setTimeout(r, 200))) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${out}`);
        }
      };
      await until('"Serving and ingesting"', () => out.includes('Serving and ingesting; press Ctrl-C to stop.'));
      expect(out).toContain('(replaced previous demo)');
      const url = /Collector: (http:\/\/\S+)\/v1\/events/.exec(out)![1]!;
      const show = /simulated viewers on show (\S+) \(retailer (\S+)\)/.exec(out)!;
      expect(out).toMatch(/Viewer page: (http|skipped)/);
      let regions: string[] = [];
      await until('the trickle in the live snapshot', async () => {
        const snap = await (await fetch(`${url}/api/v1/live/snapshot`, { headers: { authorization: `Bearer ${token}` } })).json();
        const live = snap.shows.find((g: { show_id: string }) => g.show_id === show[1]);
        regions = snap.groups.filter((g: { retailer_id: string; region: string }) => g.retailer_id === show[2] && g.region in TRICKLE_VIEWERS).map((g: { region: string }) => g.region).sort();
        return live?.sessions === Object.values(TRICKLE_VIEWERS).reduce((a, b) => a + b, 0) && regions.length === Object.keys(TRICKLE_VIEWERS).length;
      }, 20_000);
      expect(regions).toEqual(Object.keys(TRICKLE_VIEWERS).sort());
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('stopping: landing what was read, draining the collector');
  }, 150_000);
});
