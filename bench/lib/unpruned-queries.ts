/**
 * A copy of queries/ with every `dt` bound opened to all days: the SQL as it
 * was before partition pruning (pipeline/engine/partition-bounds.ts), to
 * compare rows and files read against. The predicate placeholders
 * (query-predicates.ts) are expanded first, so their `dt` bounds are opened too.
 *
 * @example
 * const engine = await createDuckDbEngine({ dataDir, queriesDir: unprunedQueriesDir(tmp) });
 */
import fs from 'node:fs';
import path from 'node:path';
import { QUERIES_DIR } from '../../pipeline/engine/query-files.ts';
import { expandPredicates } from '../../pipeline/engine/query-predicates.ts';

/** Writes the copy under a new folder in `parent` and returns its path. */
export function unprunedQueriesDir(parent: string): string {
  const dir = fs.mkdtempSync(path.join(parent, 'queries-unpruned-'));
  fs.cpSync(QUERIES_DIR, dir, { recursive: true });
  for (const file of fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.sql'))) {
    const full = path.join(dir, file);
    const sql = expandPredicates(file, fs.readFileSync(full, 'utf8'))
      .replace(/\$(\w*from_dt)\b/g, "'0000-01-01'")
      .replace(/\$(\w*to_dt)\b/g, "'9999-12-31'")
      .replace(/\$copy_from_ms\b/g, '-8640000000000000')
      .replace(/\$copy_to_ms\b/g, '8640000000000000');
    fs.writeFileSync(full, sql);
  }
  return dir;
}
