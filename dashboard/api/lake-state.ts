/**
 * The lake's state as a short stamp that changes whenever a file lands,
 * changes or goes (events, orders, dead letters, health counts): cached
 * results are keyed by it, so a repeated view does not rescan the lake and
 * a new file is never hidden behind an old answer for longer than
 * LAKE_STAMP_REUSE_MS.
 *
 * @example
 * const stamps = new LakeStamp(dataDir);
 * stamps.current(); // 'a41f…' (the same until a file changes)
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LAKE_DIR } from '../../contract/lake.ts';

/** How long one listing of the lake is reused (ms): a burst of requests lists it once. */
export const LAKE_STAMP_REUSE_MS = 250;

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, out);
    else if (e.isFile()) {
      const s = statSync(path, { throwIfNoEntry: false });
      if (s) out.push(`${path}:${s.size}:${s.mtimeMs}`);
    }
  }
}

export class LakeStamp {
  private stamp = '';
  private at = -Infinity;

  constructor(private readonly dataDir: string, private readonly now: () => number = Date.now) {}

  /** The stamp of the lake as listed at most LAKE_STAMP_REUSE_MS ago. */
  current(): string {
    const t = this.now();
    if (t - this.at < LAKE_STAMP_REUSE_MS) return this.stamp;
    const files: string[] = [];
    walk(join(this.dataDir, LAKE_DIR), files);
    files.sort();
    this.stamp = createHash('sha256').update(files.join('\n')).digest('base64url').slice(0, 22);
    this.at = t;
    return this.stamp;
  }
}
