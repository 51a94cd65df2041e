/**
 * One definition per rule (issue 10): no two files in queries/ share a block
 * of more than MAX_SHARED_LINES consecutive identical lines. A report family
 * that differs only in its group column is one template (see
 * pipeline/reports/definitions.ts); a shared rule is a query of its own,
 * chained with `-- requires:`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUERIES_DIR } from '../pipeline/engine/query-files.ts';

/** The longest block of consecutive identical lines two query files may share. */
const MAX_SHARED_LINES = 8;

function sqlFiles(dir = QUERIES_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? sqlFiles(full) : e.name.endsWith('.sql') ? [full] : [];
  }).sort();
}

/** Length and start lines (1-based) of the longest run of identical consecutive lines in a and b. */
export function longestSharedBlock(a: readonly string[], b: readonly string[]): { length: number; atA: number; atB: number } {
  let best = { length: 0, atA: 0, atB: 0 };
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        current[j] = previous[j - 1]! + 1;
        if (current[j]! > best.length) best = { length: current[j]!, atA: i - current[j]! + 1, atB: j - current[j]! + 1 };
      }
    }
    previous = current;
  }
  return best;
}

describe('queries/ holds each rule once', () => {
  it('finds the longest shared block (the check itself)', () => {
    expect(longestSharedBlock(['a', 'b', 'c', 'd'], ['x', 'b', 'c', 'd', 'y'])).toEqual({ length: 3, atA: 2, atB: 2 });
    expect(longestSharedBlock(['a'], ['b']).length).toBe(0);
  });

  it(`no two files share more than ${MAX_SHARED_LINES} consecutive identical lines`, () => {
    const files = sqlFiles();
    expect(files.length).toBeGreaterThan(10);
    const lines = new Map(files.map((f) => [f, readFileSync(f, 'utf8').split('\n').map((l) => l.trimEnd())]));
    const copies: string[] = [];
    for (let i = 0; i < files.length; i++) {
      for (let j = i + 1; j < files.length; j++) {
        const shared = longestSharedBlock(lines.get(files[i]!)!, lines.get(files[j]!)!);
        if (shared.length > MAX_SHARED_LINES) {
          copies.push(`${relative(QUERIES_DIR, files[i]!)}:${shared.atA} and ${relative(QUERIES_DIR, files[j]!)}:${shared.atB} share ${shared.length} lines`);
        }
      }
    }
    expect(copies).toEqual([]);
  });
});
