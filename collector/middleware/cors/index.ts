/**
 * CORS for browsers posting events (docs/spec.md §2: browsers are held to
 * the key's allowed origins). A response carries
 * `Access-Control-Allow-Origin` (the origin echoed, never `*`, so beacons and
 * fetches both work) only for an origin that is allowed:
 *
 * - when the request names a known key (a non-empty `x-write-key`, else
 *   `?key=` — the only way a preflight can), by that key's origins;
 * - otherwise, when some key allows the origin (a key without an origin list
 *   allows every origin).
 *
 * An `OPTIONS` without `Origin` (no CORS preflight) gets 204 without any
 * `Access-Control-Allow-Origin`. A disallowed preflight gets 403 with a JSON message and no
 * `Access-Control-Allow-*` headers, so the browser never sends the POST; a
 * disallowed POST is refused by the auth middleware (403), also without them.
 *
 * @example
 * app.use('/v1/events', cors(keysByValue));
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { CollectorEnv, WriteKey } from '../../types.ts';
import type { WriteKeyIndex } from '../auth/index.ts';

export const ALLOWED_METHODS = 'POST, OPTIONS';
export const ALLOWED_HEADERS = 'content-type, x-write-key, content-encoding';
/** How long browsers may cache a preflight answer (seconds). */
export const PREFLIGHT_MAX_AGE_SECONDS = 86_400;
/** Where a request carries its write key (read by the auth middleware too). */
export const WRITE_KEY_HEADER = 'x-write-key';
export const WRITE_KEY_QUERY = 'key';

/**
 * The write key a request names, from its `x-write-key` header and its `key`
 * query parameter: the header when it is not empty, else the parameter when
 * that is not empty (an empty header must not hide a valid `?key=`, nor the
 * reverse). The one rule for the middlewares and the early refusal.
 */
export function writeKeyOf(header: string | undefined, query: string | null | undefined): string | undefined {
  if (header !== undefined && header !== '') return header;
  return query === undefined || query === null || query === '' ? undefined : query;
}

/** The write key a Hono request names ({@link writeKeyOf}). */
export function givenWriteKey(c: Context): string | undefined {
  return writeKeyOf(c.req.header(WRITE_KEY_HEADER), c.req.query(WRITE_KEY_QUERY));
}

/** True when the key allows this browser origin (a key without origins allows any). */
export function originAllowed(key: WriteKey, origin: string): boolean {
  return key.origins.length === 0 || key.origins.includes(origin);
}

export function cors(keys: WriteKeyIndex): MiddlewareHandler<CollectorEnv> {
  const anyKeyAllowsEveryOrigin = [...keys.values()].some((k) => k.origins.length === 0);
  const originsOfSomeKey = new Set([...keys.values()].flatMap((k) => k.origins));
  const allowed = (c: Context<CollectorEnv>, origin: string): boolean => {
    const given = givenWriteKey(c);
    const named = given === undefined ? undefined : keys.get(given);
    if (named) return originAllowed(named, origin);
    return anyKeyAllowsEveryOrigin || originsOfSomeKey.has(origin);
  };
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      if (origin !== undefined && !allowed(c, origin)) {
        return c.json({ error: `origin ${origin} is not allowed by ${c.req.query(WRITE_KEY_QUERY) ? 'this write key' : 'any write key'}` }, 403, { vary: 'Origin' });
      }
      // Without Origin it is no CORS preflight: answered, but never with `*` (nor any allowed origin).
      return c.body(null, 204, {
        ...(origin !== undefined ? { 'access-control-allow-origin': origin } : {}),
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
        vary: 'Origin',
      });
    }
    await next();
    if (origin !== undefined) {
      c.res.headers.append('vary', 'Origin');
      // Echoed on errors too (the page's script can read why it was refused), but only to an allowed origin.
      if (allowed(c, origin)) c.res.headers.set('access-control-allow-origin', origin);
    }
    return undefined;
  };
}
