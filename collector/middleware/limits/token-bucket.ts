/**
 * Token buckets keyed by an id (a write key, a client address): each holds up
 * to `burst` tokens and refills at `ratePerSecond`.
 *
 * @example
 * const buckets = new TokenBuckets(100, 200, Date.now);
 * buckets.take('203.0.113.9', 1); // 0 when allowed, else seconds to wait
 */
import { MAX_TRACKED_BUCKETS } from '../../limits.ts';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number,
    private readonly maxTracked = MAX_TRACKED_BUCKETS,
  ) {}

  /**
   * Takes `cost` tokens from `id`'s bucket. Returns 0 when allowed, else the
   * whole seconds (at least 1) after which the same request would be allowed.
   */
  take(id: string, cost: number): number {
    const now = this.now();
    let b = this.buckets.get(id);
    if (b === undefined) {
      // Map keeps insertion order: dropping the first entries drops the oldest ids.
      if (this.buckets.size >= this.maxTracked) this.evict();
      b = { tokens: this.burst, updatedAt: now };
      this.buckets.set(id, b);
    } else if (now > b.updatedAt) {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.updatedAt) / 1000) * this.ratePerSecond);
      b.updatedAt = now;
    }
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    if (cost > this.burst) return Infinity;
    return Math.max(1, Math.ceil((cost - b.tokens) / this.ratePerSecond));
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(): void {
    let drop = Math.max(1, Math.floor(this.maxTracked / 10));
    for (const id of this.buckets.keys()) {
      this.buckets.delete(id);
      if (--drop === 0) break;
    }
  }
}
