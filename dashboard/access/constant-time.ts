/**
 * Secret comparison whose time does not depend on where the strings differ
 * or on their lengths: both sides are hashed to SHA-256 first, then compared
 * with `timingSafeEqual`, and every candidate is compared (no early exit).
 *
 * @example
 * findSecret(given, tokens, (t) => t.token); // the matching entry or undefined
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** True when `a` equals `b`, in time independent of their contents. */
export function secretEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The entry whose secret equals `given`, comparing against all of them. */
export function findSecret<T>(given: string, entries: readonly T[], secretOf: (entry: T) => string): T | undefined {
  const wanted = digest(given);
  let found: T | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(wanted, digest(secretOf(entry))) && found === undefined) found = entry;
  }
  return found;
}
