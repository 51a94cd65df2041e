/**
 * CORS for browsers posting events. The preflight cannot carry the write key
 * in a header, so it is answered for any origin (echoed, never `*`, so that
 * credentials-free beacons and fetches both work) unless a `?key=` in the
 * URL names a key whose allowed origins exclude it; the real POST is then
 * held to the key's origins by the auth middleware.
 *
 * @example
 * app.use('/v1/events', cors(keysByValue));
 */
import type { MiddlewareHandler } from 'hono';
import type { CollectorEnv, WriteKey } from '../../types.ts';

export const ALLOWED_METHODS = 'POST, OPTIONS';
export const ALLOWED_HEADERS = 'content-type, x-write-key, content-encoding';
/** How long browsers may cache a preflight answer (seconds). */
export const PREFLIGHT_MAX_AGE_SECONDS = 86_400;

/** True when the key allows this browser origin (a key without origins allows any). */
export function originAllowed(key: WriteKey, origin: string): boolean {
  return key.origins.length === 0 || key.origins.includes(origin);
}

export function cors(keys: ReadonlyMap<string, WriteKey>): MiddlewareHandler<CollectorEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      const queryKey = keys.get(c.req.query('key') ?? '');
      if (origin !== undefined && queryKey && !originAllowed(queryKey, origin)) {
        return c.json({ error: `origin ${origin} is not allowed for this write key` }, 403);
      }
      return c.body(null, 204, {
        'access-control-allow-origin': origin ?? '*',
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
        vary: 'Origin',
      });
    }
    await next();
    if (origin !== undefined) {
      // Echoed even on errors, so the page's script can read why it was refused.
      c.res.headers.set('access-control-allow-origin', origin);
      c.res.headers.append('vary', 'Origin');
    }
    return undefined;
  };
}
