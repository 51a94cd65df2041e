import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bindRetailer, callerScope, createAccess, parseDashboardTokens, resolveDashboardTokens, SECURITY_HEADERS, securityHeaders, SESSION_COOKIE, SESSION_TTL_MS, type AccessEnv } from './index.ts';
import { findSecret, secretEquals } from './constant-time.ts';
import { SessionStore } from './sessions.ts';

const ADMIN = 'admin-token-0000000001';
const ANALYST = 'analyst-token-00000001';
const ACME = 'acme-token-00000000001';
const WRITE_KEY = 'wk_acme_0000000000001';
const ORIGIN = 'http://dash.test';

function setup(now = { t: 1_000_000 }) {
  const access = createAccess({
    tokens: parseDashboardTokens(`${ADMIN}=admin,${ANALYST}=analyst,${ACME}=retailer:acme`),
    writeKeys: [WRITE_KEY],
    now: () => now.t,
  });
  const app = new Hono<AccessEnv>();
  app.use('/api/v1/*', securityHeaders());
  app.route('/', access.routes);
  app.use('/api/v1/*', access.require);
  app.get('/api/v1/whoami', (c) => c.json(callerScope(c)));
  app.post('/api/v1/thing', (c) => c.json({ ok: true }));
  return { app, access, now };
}

const get = (path: string, headers: Record<string, string> = {}) => new Request(`${ORIGIN}${path}`, { headers });

async function signIn(app: Hono<AccessEnv>, token: string, headers: Record<string, string> = { origin: ORIGIN }) {
  return app.request(new Request(`${ORIGIN}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ token }) }));
}

function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(set);
  if (!m) throw new Error(`no session cookie in ${set}`);
  return `${SESSION_COOKIE}=${m[1]}`;
}

describe('parseDashboardTokens', () => {
  it('reads admin, analyst and retailer entries', () => {
    expect(parseDashboardTokens(` ${ADMIN}=admin , ${ACME}=retailer:acme,`)).toEqual([
      { token: ADMIN, role: 'admin' },
      { token: ACME, role: 'retailer', retailer: 'acme' },
    ]);
  });
  it.each([
    ['short=admin', /16 to 256/],
    [`${ADMIN}`, /no "="/],
    [`${ADMIN}=owner`, /role "owner" is not known/],
    [`${ADMIN}=retailer:`, /retailer "" must be/],
    [`${ADMIN}=retailer:a b`, /retailer "a b" must be/],
    [`${ADMIN}=admin,${ADMIN}=analyst`, /listed twice/],
    [' , ', /no entries/],
  ])('refuses %s naming what is wrong, without echoing the token', (text, message) => {
    let error: Error | undefined;
    try {
      parseDashboardTokens(text);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(ADMIN);
  });
  it('generates one admin token when unset', () => {
    const a = resolveDashboardTokens(undefined);
    const b = resolveDashboardTokens('  ');
    expect(a.generated && b.generated).toBe(true);
    expect(a.tokens[0]!.role).toBe('admin');
    expect(a.tokens[0]!.token).not.toBe(b.tokens[0]!.token);
    expect(a.tokens[0]!.token.length).toBeGreaterThanOrEqual(32);
    expect(parseDashboardTokens(`${a.tokens[0]!.token}=admin`)).toHaveLength(1);
  });
});

describe('constant-time comparison', () => {
  it('compares strings of any lengths and checks every candidate', () => {
    expect(secretEquals('abc', 'abc')).toBe(true);
    expect(secretEquals('abc', 'abcd')).toBe(false);
    let calls = 0;
    const found = findSecret('b', ['a', 'b', 'c'], (s) => (calls++, s));
    expect(found).toBe('b');
    expect(calls).toBe(3);
  });
});

describe('requireAccess', () => {
  it('401 without a credential, with a wrong token, a malformed header or a write key', async () => {
    const { app } = setup();
    const none = await app.request(get('/api/v1/whoami'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()) as object).toEqual({ error: expect.stringMatching(/sign in/) });
    expect((await app.request(get('/api/v1/whoami', { authorization: 'Bearer nope-nope-nope-nope' }))).status).toBe(401);
    expect((await app.request(get('/api/v1/whoami', { authorization: `Basic ${ADMIN}` }))).status).toBe(401);
    const wk = await app.request(get('/api/v1/whoami', { authorization: `Bearer ${WRITE_KEY}` }));
    expect(wk.status).toBe(401);
    expect(((await wk.json()) as { error: string }).error).toMatch(/write key is not a dashboard token/);
    expect((await signIn(app, WRITE_KEY)).status).toBe(401);
    expect((await app.request(get('/api/v1/whoami', { cookie: `${SESSION_COOKIE}=forged` }))).status).toBe(401);
  });

  it('a Bearer token gives its scope', async () => {
    const { app } = setup();
    const res = await app.request(get('/api/v1/whoami', { authorization: `Bearer ${ACME}` }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ role: 'retailer', retailer: 'acme', via: 'bearer' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await (await app.request(get('/api/v1/whoami', { authorization: `bearer ${ANALYST}` }))).json()).toEqual({ role: 'analyst', via: 'bearer' });
  });

  it('refuses a token equal to a write key at start', () => {
    expect(() => createAccess({ tokens: parseDashboardTokens(`${WRITE_KEY}=admin`), writeKeys: [WRITE_KEY] })).toThrow(/equals a write key/);
  });
});

describe('sessions', () => {
  it('sign-in sets an HttpOnly SameSite=Strict cookie that authenticates, for 12 h', async () => {
    const { app, now } = setup();
    const res = await signIn(app, ACME);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ role: 'retailer', retailer: 'acme', expires_in_s: SESSION_TTL_MS / 1000 });
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\//);
    expect(set).toMatch(/Max-Age=43200/);
    expect(set).not.toContain(ACME);
    const cookie = cookieOf(res);
    const who = await app.request(get('/api/v1/whoami', { cookie }));
    expect(await who.json()).toEqual({ role: 'retailer', retailer: 'acme', via: 'session' });
    now.t += SESSION_TTL_MS - 1;
    expect((await app.request(get('/api/v1/session', { cookie }))).status).toBe(200);
    now.t += 1;
    const expired = await app.request(get('/api/v1/whoami', { cookie }));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: string }).error).toMatch(/expired/);
  });

  it('sign-in refuses bad bodies and cross-site origins', async () => {
    const { app } = setup();
    const post = (body: string, headers: Record<string, string> = {}) => app.request(new Request(`${ORIGIN}/api/v1/session`, { method: 'POST', headers, body }));
    expect((await post('not json')).status).toBe(400);
    expect((await post('{"token": 5}')).status).toBe(400);
    expect((await post('null')).status).toBe(400);
    expect((await post('x'.repeat(5000))).status).toBe(413);
    expect((await post(JSON.stringify({ token: 'wrong-token-000000000' }))).status).toBe(401);
    expect((await signIn(app, ADMIN, { origin: 'http://evil.test' })).status).toBe(403);
    expect((await signIn(app, ADMIN, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await signIn(app, ADMIN, {})).status).toBe(200);
  });

  it('state changes by cookie need a same-origin request; sign-out ends the session', async () => {
    const { app, access } = setup();
    const cookie = cookieOf(await signIn(app, ADMIN));
    const post = (headers: Record<string, string>) => app.request(new Request(`${ORIGIN}/api/v1/thing`, { method: 'POST', headers: { cookie, ...headers } }));
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: 'http://evil.test' })).status).toBe(403);
    expect((await post({ origin: ORIGIN })).status).toBe(200);
    expect((await app.request(new Request(`${ORIGIN}/api/v1/session`, { method: 'DELETE', headers: { cookie, origin: 'http://evil.test' } }))).status).toBe(403);
    expect(access.sessions.size).toBe(1);
    const out = await app.request(new Request(`${ORIGIN}/api/v1/session`, { method: 'DELETE', headers: { cookie, origin: ORIGIN } }));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/livelens_session=;/);
    expect(access.sessions.size).toBe(0);
    expect((await app.request(get('/api/v1/whoami', { cookie }))).status).toBe(401);
  });

  it('the store holds at most its limit, dropping the oldest', () => {
    const store = new SessionStore(() => 0, 1000, 2);
    const a = store.create({ role: 'admin' });
    const b = store.create({ role: 'admin' });
    const c = store.create({ role: 'analyst' });
    expect(store.size).toBe(2);
    expect(store.get(a)).toBeUndefined();
    expect(store.get(b)?.role).toBe('admin');
    expect(store.get(c)?.role).toBe('analyst');
  });
});

describe('bindRetailer', () => {
  const retailer = { role: 'retailer' as const, retailer: 'acme', via: 'bearer' as const };
  const admin = { role: 'admin' as const, via: 'bearer' as const };
  it('forces a retailer token to its retailer and refuses another', () => {
    expect(bindRetailer(retailer, undefined)).toBe('acme');
    expect(bindRetailer(retailer, '')).toBe('acme');
    expect(bindRetailer(retailer, 'acme')).toBe('acme');
    expect(() => bindRetailer(retailer, 'other')).toThrow(expect.objectContaining({ status: 403 }));
  });
  it('lets admin and analyst pick any retailer or all', () => {
    expect(bindRetailer(admin, undefined)).toBeUndefined();
    expect(bindRetailer(admin, 'other')).toBe('other');
  });
});

describe('security headers', () => {
  it('CSP has no unsafe-inline script and forbids framing', () => {
    const csp = SECURITY_HEADERS['content-security-policy']!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(SECURITY_HEADERS['referrer-policy']).toBe('no-referrer');
  });
});
