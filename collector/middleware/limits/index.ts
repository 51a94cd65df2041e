/**
 * Rate limits (token buckets): requests per client address, checked before
 * the key so a flood of guesses is cut early, and events per write key,
 * checked once the batch is decoded. Both answer 429 with Retry-After.
 *
 * @example
 * app.post('/v1/events', addressRateLimit(limits, addr, now), auth, decode, keyRateLimit(limits, now), ...);
 */
import type { MiddlewareHandler } from 'hono';
import type { ClientAddress, CollectorEnv, RateLimits } from '../../types.ts';
import { TokenBuckets } from './token-bucket.ts';

/** Address used when the platform gives none (all such requests share one bucket). */
const UNKNOWN_ADDRESS = 'unknown';

export function addressRateLimit(limits: RateLimits, clientAddress: ClientAddress, now: () => number): MiddlewareHandler<CollectorEnv> {
  if (limits.addressRequestsPerSecond <= 0) return (_c, next) => next();
  const buckets = new TokenBuckets(limits.addressRequestsPerSecond, limits.addressBurstRequests, now);
  return async (c, next) => {
    const wait = buckets.take(clientAddress(c) ?? UNKNOWN_ADDRESS, 1);
    if (wait > 0) {
      return c.json(
        { error: `rate limited: more than ${limits.addressRequestsPerSecond} requests/s (burst ${limits.addressBurstRequests}) from this address` },
        429,
        { 'retry-after': String(wait) },
      );
    }
    return next();
  };
}

export function keyRateLimit(limits: RateLimits, now: () => number): MiddlewareHandler<CollectorEnv> {
  if (limits.keyEventsPerSecond <= 0) return (_c, next) => next();
  const buckets = new TokenBuckets(limits.keyEventsPerSecond, limits.keyBurstEvents, now);
  return async (c, next) => {
    const wait = buckets.take(c.get('writeKey').key, c.get('envelope').events.length);
    if (wait > 0) {
      return c.json(
        { error: `rate limited: more than ${limits.keyEventsPerSecond} events/s (burst ${limits.keyBurstEvents}) for this write key` },
        429,
        { 'retry-after': String(Number.isFinite(wait) ? wait : 60) },
      );
    }
    return next();
  };
}
