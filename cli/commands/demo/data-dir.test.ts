import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDemoDataDir, writeDemoMarker } from './data-dir.ts';
import { DEMO_MARKER_FILE } from '../../../contract/data-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'livelens-datadir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('prepareDemoDataDir', () => {
  it('creates a missing folder, replaces a previous demo, and clears livelens data only with --reset', () => {
    const dir = join(root, 'a');
    expect(prepareDemoDataDir(dir, { reset: false })).toBe('fresh');
    mkdirSync(join(dir, 'lake'));
    writeDemoMarker(dir, { at: 1 });
    expect(prepareDemoDataDir(dir, { reset: false })).toBe('replaced previous demo');
    expect(readdirSync(dir)).toEqual([]);
    mkdirSync(join(dir, 'lake'));
    expect(() => prepareDemoDataDir(dir, { reset: false })).toThrow(/pass --reset to clear it/);
    expect(prepareDemoDataDir(dir, { reset: true })).toBe('reset');
    expect(existsSync(join(dir, 'lake'))).toBe(false);
  });

  it('never deletes files livelens did not write, nor the working folder', () => {
    const dir = join(root, 'b');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.docx'), 'precious');
    writeFileSync(join(dir, DEMO_MARKER_FILE), '{}');
    expect(() => prepareDemoDataDir(dir, { reset: true })).toThrow(/thesis\.docx/);
    expect(existsSync(join(dir, 'thesis.docx'))).toBe(true);
    const cwd = join(root, 'c');
    mkdirSync(join(cwd, 'lake'), { recursive: true });
    expect(() => prepareDemoDataDir(cwd, { reset: true, cwd })).toThrow(/refusing to clear/);
  });
});
