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
import type { MiddlewareHandler } from 'hono';
import type { CollectorEnv, WriteKey } from '../../types.ts';
import { givenWriteKey, originAllowed, WRITE_KEY_HEADER, WRITE_KEY_QUERY } from '../cors/index.ts';

export { WRITE_KEY_HEADER, WRITE_KEY_QUERY };

/** Indexes keys by their value, for the middleware. */
export function keysByValue(keys: readonly WriteKey[]): Map<string, WriteKey> {
  return new Map(keys.map((k) => [k.key, k]));
}

export function writeKeyAuth(keys: ReadonlyMap<string, WriteKey>): MiddlewareHandler<CollectorEnv> {
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
