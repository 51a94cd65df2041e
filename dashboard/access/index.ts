/**
 * Dashboard access (docs/spec.md §8): tokens, the session cookie, roles and
 * the same-origin guard, as one object built once per server and shared by
 * every route that needs it (reports, live panel).
 *
 * - `access.require`: middleware for everything under `/api/v1/` but
 *   `POST /api/v1/session`. `Authorization: Bearer <token>` or the
 *   `livelens_session` cookie; none or a bad one: 401. It sets the caller's
 *   scope (`callerScope(c)`). A state-changing request signed in by cookie
 *   needs a same-origin `Origin` (else 403).
 * - `access.routes`: `POST /api/v1/session {"token"}` (sets the HttpOnly,
 *   SameSite=Strict cookie), `GET /api/v1/session` (who am I),
 *   `DELETE /api/v1/session` (sign out).
 * Write keys are never accepted as tokens (401 saying so), and a token
 * equal to a write key is refused at start.
 *
 * @example
 * const access = createAccess({ tokens: parseDashboardTokens(env.LIVELENS_DASHBOARD_TOKENS), writeKeys: ['k1'] });
 * app.route('/', access.routes);
 * app.use('/api/v1/live/*', access.require);
 * app.get('/api/v1/live/snapshot', (c) => c.json(snapshotFor(callerScope(c))));
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { findSecret } from './constant-time.ts';
import { requestOrigin, STATE_CHANGING_METHODS } from './same-origin.ts';
import { SESSION_TTL_MS, SessionStore } from './sessions.ts';
import type { AccessEnv, Scope } from './scope.ts';
import type { DashboardToken } from './tokens.ts';

export { AccessDenied, bindRetailer, callerScope, canRead, scopeKey } from './scope.ts';
export type { AccessEnv, Scope } from './scope.ts';
export { generateAdminToken, parseDashboardTokens, resolveDashboardTokens, MIN_TOKEN_CHARS, MAX_TOKEN_CHARS } from './tokens.ts';
export type { DashboardToken, Role } from './tokens.ts';
export { SESSION_TTL_MS, MAX_SESSIONS, SessionStore } from './sessions.ts';
export { securityHeaders, SECURITY_HEADERS, CONTENT_SECURITY_POLICY } from './headers.ts';
export { requestOrigin, ownOrigin } from './same-origin.ts';

/** The session cookie's name (docs/spec.md §8). */
export const SESSION_COOKIE = 'livelens_session';
/** Path of the session resource. */
export const SESSION_PATH = '/api/v1/session';
/** Largest sign-in body read (bytes); a token is at most 256 characters. */
export const MAX_SIGN_IN_BODY_BYTES = 4096;

export interface AccessDeps {
  tokens: readonly DashboardToken[];
  /** The collector's write keys: refused here with a message saying so. */
  writeKeys?: readonly string[];
  /** Clock (epoch ms) for session expiry; tests inject one. */
  now?: () => number;
  sessionTtlMs?: number;
}

export interface Access {
  /** Authenticates the request (401) and sets its scope; guards cookie state changes (403). */
  require: MiddlewareHandler<AccessEnv>;
  /** The session routes under SESSION_PATH. */
  routes: Hono<AccessEnv>;
  /** The in-process session store (exposed for tests and metrics). */
  sessions: SessionStore;
  /** The scope a token grants, or undefined (constant-time lookup). */
  scopeOfToken(token: string): Scope | undefined;
}

function unauthorized(c: Context, message: string): Response {
  return c.json({ error: message }, 401, { 'www-authenticate': 'Bearer realm="livelens"', 'cache-control': 'no-store' });
}

function forbidden(c: Context, message: string): Response {
  return c.json({ error: message }, 403, { 'cache-control': 'no-store' });
}

function grantOf(t: DashboardToken): Omit<Scope, 'via'> {
  return t.role === 'retailer' ? { role: 'retailer', retailer: t.retailer } : { role: t.role };
}

/** Builds the access layer; throws when a token equals a write key. */
export function createAccess(deps: AccessDeps): Access {
  const tokens = deps.tokens;
  const writeKeys = deps.writeKeys ?? [];
  for (const t of tokens) {
    if (findSecret(t.token, writeKeys, (k) => k) !== undefined) {
      throw new Error('LIVELENS_DASHBOARD_TOKENS: a dashboard token equals a write key; use different secrets for reading and writing');
    }
  }
  const sessions = new SessionStore(deps.now ?? Date.now, deps.sessionTtlMs ?? SESSION_TTL_MS);
  const ttlSeconds = Math.floor((deps.sessionTtlMs ?? SESSION_TTL_MS) / 1000);

  const scopeOfToken = (token: string): Scope | undefined => {
    const found = findSecret(token, tokens, (t) => t.token);
    return found === undefined ? undefined : { ...grantOf(found), via: 'bearer' };
  };
  const grantForSession = (scope: Scope): Omit<Scope, 'via'> =>
    scope.role === 'retailer' ? { role: 'retailer', retailer: scope.retailer } : { role: scope.role };
  const badToken = (c: Context, given: string): Response =>
    findSecret(given, writeKeys, (k) => k) !== undefined
      ? unauthorized(c, 'a write key is not a dashboard token: sign in with a token of LIVELENS_DASHBOARD_TOKENS')
      : unauthorized(c, 'unknown dashboard token');

  const require: MiddlewareHandler<AccessEnv> = async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!m) return unauthorized(c, 'Authorization must be "Bearer <token>"');
      const scope = scopeOfToken(m[1]!);
      if (!scope) return badToken(c, m[1]!);
      c.set('access', scope);
      return next();
    }
    const id = getCookie(c, SESSION_COOKIE);
    if (id === undefined || id === '') {
      return unauthorized(c, `sign in: POST ${SESSION_PATH} {"token": "..."}, or send Authorization: Bearer <token>`);
    }
    const session = sessions.get(id);
    if (!session) return unauthorized(c, 'session expired or unknown: sign in again');
    if (STATE_CHANGING_METHODS.has(c.req.method) && requestOrigin(c) !== 'same') {
      return forbidden(c, `${c.req.method} with the session cookie needs a same-origin request (Origin of this site)`);
    }
    c.set('access', session.role === 'retailer' ? { role: 'retailer', retailer: session.retailer, via: 'session' } : { role: session.role, via: 'session' });
    return next();
  };

  const routes = new Hono<AccessEnv>();
  routes.post(SESSION_PATH, async (c) => {
    if (requestOrigin(c) === 'cross') return forbidden(c, 'sign-in must come from this site (cross-origin request refused)');
    const length = Number(c.req.header('content-length') ?? '0');
    if (length > MAX_SIGN_IN_BODY_BYTES) return c.json({ error: `sign-in body is over ${MAX_SIGN_IN_BODY_BYTES} bytes` }, 413);
    const text = await c.req.text();
    if (text.length > MAX_SIGN_IN_BODY_BYTES) return c.json({ error: `sign-in body is over ${MAX_SIGN_IN_BODY_BYTES} bytes` }, 413);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return c.json({ error: 'body must be JSON: {"token": "..."}' }, 400);
    }
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '') return c.json({ error: 'token: expected a non-empty string, as {"token": "..."}' }, 400);
    const scope = scopeOfToken(token);
    if (!scope) return badToken(c, token);
    const id = sessions.create(grantForSession(scope));
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: ttlSeconds,
      secure: new URL(c.req.url).protocol === 'https:',
    });
    c.header('cache-control', 'no-store');
    return c.json({ role: scope.role, retailer: scope.retailer ?? null, expires_in_s: ttlSeconds });
  });
  routes.get(SESSION_PATH, require, (c) => {
    const scope = c.get('access');
    return c.json({ role: scope.role, retailer: scope.retailer ?? null, via: scope.via }, 200, { 'cache-control': 'no-store' });
  });
  routes.delete(SESSION_PATH, require, (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id !== undefined) sessions.delete(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict' });
    return c.body(null, 204);
  });
  return { require, routes, sessions, scopeOfToken };
}
