/**
 * Report results cached per lake state, caller scope and parameters: the
 * key holds all three, so a result is never served to another scope
 * (retailer) or after the lake changed. Identical requests in flight share
 * one run. Bounded: at most MAX_CACHED_RESULTS entries, least recently used
 * dropped first.
 *
 * @example
 * const cache = new ResultCache<Output>();
 * const out = await cache.get(cacheKey(stamp, scope, 'qoe', params), () => run());
 */

/** Results kept at once; each is one report's rows (kilobytes to a few megabytes). */
export const MAX_CACHED_RESULTS = 256;

/** The cache key of one request: lake stamp, scope, report and its canonical parameters. */
export function cacheKey(lakeStamp: string, scope: string, report: string, params: Readonly<Record<string, string | readonly string[] | undefined>>): string {
  const canonical = Object.keys(params).filter((k) => params[k] !== undefined).sort().map((k) => [k, params[k]]);
  return JSON.stringify([lakeStamp, scope, report, canonical]);
}

export class ResultCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number = MAX_CACHED_RESULTS) {}

  /** The cached result of `key`, else runs `compute` once (a failure is not cached). */
  get(key: string, compute: () => Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    if (found !== undefined) {
      this.hits += 1;
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    this.misses += 1;
    const running = compute();
    this.entries.set(key, running);
    running.catch(() => this.entries.delete(key));
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return running;
  }

  get size(): number {
    return this.entries.size;
  }
}
