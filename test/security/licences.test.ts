/**
 * Dependency licences, read from package-lock.json (every package the
 * install resolves, direct or not): runtime packages must be under a
 * permissive licence; dev-only packages too, except the few reviewed
 * below with their reason. A package whose lock entry names no licence
 * is checked in its own package.json `licenses` or README.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
/** SPDX identifiers counted as permissive. */
export const PERMISSIVE = new Set(['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0', 'Unlicense', 'CC0-1.0', 'MIT-0', 'Zlib', 'Python-2.0', 'CC-BY-4.0']);
/** Dev-only packages under another licence, reviewed: none is shipped or bundled into what livelens serves. */
export const REVIEWED_DEV = new Map([
  ['lightningcss', 'MPL-2.0 (file-level copyleft): vite/vitest build tooling, unmodified, never shipped'],
  ['amazon-ivs-player', "Amazon IVS player licence: the browser tests and the demo's viewer page (dev installs only, from node_modules) load the player as a retailer's page does; not redistributed"],
]);

interface LockEntry {
  license?: string;
  dev?: boolean;
  optional?: boolean;
}

/** True when every identifier of an SPDX expression ("(MIT AND Zlib)", "MIT OR Apache-2.0") is permissive. */
export function permissive(expression: string): boolean {
  const ids = expression.replace(/[()]/g, ' ').split(/\s+(?:AND|OR)\s+|\s+/).filter(Boolean);
  return ids.length > 0 && ids.every((id) => PERMISSIVE.has(id));
}

function declaredElsewhere(path: string): string | undefined {
  const dir = join(ROOT, path);
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) return undefined;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { licenses?: Array<{ type?: string }> };
  if (pkg.licenses?.length) return pkg.licenses.map((l) => l.type).join(' AND ');
  for (const readme of ['Readme.md', 'README.md', 'readme.md']) {
    const file = join(dir, readme);
    if (existsSync(file) && /\(The MIT License\)|^\s*MIT\s*$/m.test(readFileSync(file, 'utf8'))) return 'MIT';
  }
  return undefined;
}

const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const entries = Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/'));

describe('dependency licences (package-lock.json)', () => {
  it('reads SPDX expressions', () => {
    expect(permissive('(MIT AND Zlib)')).toBe(true);
    expect(permissive('MIT OR Apache-2.0')).toBe(true);
    expect(permissive('GPL-3.0')).toBe(false);
    expect(permissive('(MIT OR GPL-2.0)')).toBe(false);
    expect(permissive('SEE LICENSE IN x')).toBe(false);
  });

  it('every package is permissive, or dev-only and reviewed', () => {
    expect(entries.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const [path, entry] of entries) {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const licence = entry.license ?? declaredElsewhere(path);
      if (licence !== undefined && permissive(licence)) continue;
      const reviewed = [...REVIEWED_DEV.keys()].some((r) => name === r || name.startsWith(`${r}-`));
      if (entry.dev && reviewed) continue;
      problems.push(`${name}: ${licence ?? 'no licence found'}${entry.dev ? ' (dev)' : ''}`);
    }
    expect(problems).toEqual([]);
  });
});
