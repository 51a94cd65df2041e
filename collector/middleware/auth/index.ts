/**
 * Write-key authentication (docs/spec.md §2): the key comes in the
 * `x-write-key` header or the `key` query parameter (sendBeacon cannot set
 * headers); an empty header falls back to the query parameter. An unknown key gets 401 and nothing is stored; a browser whose
 * Origin the key does not allow gets 403.
 *
 * @example
 * app.post('/v1/events', writeKeyAuth(new Map([[k.key, k]])), handler);
 * // handler reads c.get('writeKey').retailer
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { CollectorEnv, WriteKey } from '../../types.ts';
import { givenWriteKey, originAllowed, WRITE_KEY_HEADER, WRITE_KEY_QUERY } from '../cors/index.ts';

export { WRITE_KEY_HEADER, WRITE_KEY_QUERY };

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/**
 * The configured write keys, found by the SHA-256 digest of the key given:
 * the lookup compares digests, never key text, so its time does not depend
 * on how much of a real key a guess got right (constant time in the key).
 */
export class WriteKeyIndex {
  private readonly byDigest: Map<string, WriteKey>;
  constructor(keys: readonly WriteKey[]) {
    this.byDigest = new Map(keys.map((k) => [digest(k.key), k]));
  }
  /** The key equal to `given`, or undefined. */
  get(given: string): WriteKey | undefined {
    const wanted = digest(given);
    const found = this.byDigest.get(wanted);
    return found && timingSafeEqual(Buffer.from(digest(found.key)), Buffer.from(wanted)) ? found : undefined;
  }
  values(): IterableIterator<WriteKey> {
    return this.byDigest.values();
  }
  /** The digests the index holds (no key text): for tests. */
  digests(): string[] {
    return [...this.byDigest.keys()];
  }
}

/** Indexes keys for the middleware (by digest: see WriteKeyIndex). */
export function keysByValue(keys: readonly WriteKey[]): WriteKeyIndex {
  return new WriteKeyIndex(keys);
}

export function writeKeyAuth(keys: WriteKeyIndex): MiddlewareHandler<CollectorEnv> {
  return async (c, next) => {
    const given = givenWriteKey(c);
    if (given === undefined) {
      return c.json({ error: `missing write key: send it in the ${WRITE_KEY_HEADER} header or the ${WRITE_KEY_QUERY} query parameter` }, 401);
    }
    const key = keys.get(given);
    if (!key) return c.json({ error: 'unknown write key' }, 401);
    const origin = c.req.header('origin');
    if (origin !== undefined && !originAllowed(key, origin)) {
      return c.json({ error: `origin ${origin} is not allowed for this write key` }, 403);
    }
    c.set('writeKey', key);
    return next();
  };
}
