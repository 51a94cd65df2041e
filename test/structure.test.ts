/**
 * The tree's flow has no climb back up (issue 10): `cli/` parses flags and
 * calls the modules below it, so nothing outside `cli/` and `bin/` imports
 * from `cli/` (static, dynamic, re-export or side-effect imports, in any
 * TypeScript or JavaScript file of the repository).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
/** Top-level folders allowed to import from cli/. */
const CLI_IMPORTERS = ['cli', 'bin'];
/** Folders never scanned: dependencies, build output, local data. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', '.livelens']);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|tsx)$/;
const IMPORT_PATTERNS = [
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from '…', export { y } from '…'
  /\bimport\s*['"]([^'"]+)['"]/g, // import '…' (side effects)
  /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…'), require('…')
];

/** Every module specifier `source` imports. */
export function importSpecifiers(source: string): string[] {
  return IMPORT_PATTERNS.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]!));
}

/** Source files under `dir`, as absolute paths. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(join(dir, entry.name));
    return SOURCE_FILE.test(entry.name) ? [join(dir, entry.name)] : [];
  });
}

/** `file:specifier` for each relative import of `file` that lands in cli/. */
function cliImports(file: string, source: string): string[] {
  return importSpecifiers(source)
    .filter((spec) => spec.startsWith('.') && relative(ROOT, resolve(dirname(file), spec)).split(sep)[0] === 'cli')
    .map((spec) => `${relative(ROOT, file)}: ${spec}`);
}

describe('structure', () => {
  it('finds static, multi-line, re-export, side-effect and dynamic imports', () => {
    const cli = '../cli'; // spliced in, so that this file's own text imports nothing from cli/
    const sample = [
      `import { a } from '${cli}/a.ts';`,
      `import {\n  b,\n  type C,\n} from "${cli}/b.ts";`,
      `export { d } from '${cli}/d.ts';`,
      `import '${cli}/e.ts';`,
      `const f = await import('${cli}/f.ts');`,
      `import type { G } from '../contract/g.ts';`,
    ].join('\n');
    expect(importSpecifiers(sample).sort()).toEqual(['../cli/a.ts', '../cli/b.ts', '../cli/d.ts', '../cli/e.ts', '../cli/f.ts', '../contract/g.ts']);
    expect(cliImports(join(ROOT, 'server', 'x.ts'), sample)).toHaveLength(5);
    expect(cliImports(join(ROOT, 'server', 'x.ts'), `import { h } from './${'cli'}/h.ts';`)).toEqual([]); // server/cli/, not cli/
  });

  it('nothing outside cli/ and bin/ imports from cli/', () => {
    const files = sourceFiles(ROOT).filter((f) => !CLI_IMPORTERS.includes(relative(ROOT, f).split(sep)[0]!));
    expect(files.length).toBeGreaterThan(100); // the scan really reads the tree
    expect(files.flatMap((f) => cliImports(f, readFileSync(f, 'utf8')))).toEqual([]);
  });
});
