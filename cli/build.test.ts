import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshCliBundle } from '../bin/cli-bundle.js';
import { CLI_DIST_DIR, CLI_MANIFEST } from './build.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'livelens-cli-build-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the CLI build', () => {
  // test/global-setup.ts built cli/dist before any test file ran
  it('is fresh after the build and runs a report from the SQL in queries/ (found through import.meta)', () => {
    const built = freshCliBundle();
    expect(built).toBe(join(CLI_DIST_DIR, 'livelens.mjs'));
    const manifest = JSON.parse(readFileSync(join(CLI_DIST_DIR, CLI_MANIFEST), 'utf8')) as { inputs: string[] };
    expect(manifest.inputs).toEqual(expect.arrayContaining(['cli/livelens.ts', 'pipeline/engine/query-files.ts', 'dashboard/page/assets.ts']));
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(execFileSync(process.execPath, [built!, '--version'], { encoding: 'utf8' }).trim()).toBe(version);
    const report = execFileSync(process.execPath, [built!, 'report', 'conversion', '--by', 'show', '--format', 'json', '--data-dir', tempDir()], { encoding: 'utf8' });
    expect(JSON.parse(report)).toMatchObject({ rows: [], report: 'conversion', by: 'show', query: 'conversion_by_group' });
  });

  it('is used only while no source in its manifest is newer than the build, or missing', () => {
    const root = tempDir();
    const dist = join(root, 'dist');
    mkdirSync(join(root, 'src'));
    mkdirSync(dist);
    writeFileSync(join(root, 'src', 'a.ts'), 'export {};\n');
    const startedAtMs = Date.now() + 60_000; // the build began after the file was saved
    const manifest = (inputs: string[]) => writeFileSync(join(dist, CLI_MANIFEST), JSON.stringify({ startedAtMs, inputs }));
    manifest(['src/a.ts']);
    expect(freshCliBundle(dist, root)).toBe(join(dist, 'livelens.mjs'));
    const later = new Date(startedAtMs + 1_000);
    utimesSync(join(root, 'src', 'a.ts'), later, later);
    expect(freshCliBundle(dist, root)).toBeUndefined();
    manifest(['src/gone.ts']);
    expect(freshCliBundle(dist, root)).toBeUndefined();
    manifest([]);
    expect(freshCliBundle(dist, root)).toBeUndefined();
    writeFileSync(join(dist, CLI_MANIFEST), '{"startedAtMs":');
    expect(freshCliBundle(dist, root)).toBeUndefined();
    expect(freshCliBundle(join(root, 'nowhere'), root)).toBeUndefined();
  });
});
