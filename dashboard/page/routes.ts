/**
 * The dashboard's pages: `/` (Overview) and `/v/<view>`, server-rendered
 * shells the script fills from the API; `/sign-in`; and `/assets/app.js`,
 * `/assets/app.css` from the in-memory build (anything else under /assets/
 * is 404). Without a live session a view page shows the sign-in page.
 * With one, sending a view's page also starts its first API requests
 * (`prefetch`), which the page's own identical requests then share.
 *
 * @example
 * app.route('/', createPageRoutes({ access }));
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE, securityHeaders, type Access, type Scope } from '../access/index.ts';
import { requestUrl } from '../client/api.ts';
import { VIEWS } from '../client/views/index.ts';
import { dashboardAssets } from './assets.ts';
import { signInPage, viewPage } from './layout.ts';

const HTML_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
const FILTERS = ['from', 'to', 'retailer', 'creator', 'show', 'region'];

function sessionScope(access: Access, c: Context): Scope | undefined {
  const id = getCookie(c, SESSION_COOKIE);
  const s = id ? access.sessions.get(id) : undefined;
  if (!s) return undefined;
  return s.role === 'retailer' ? { role: 'retailer', retailer: s.retailer, via: 'session' } : { role: s.role, via: 'session' };
}

export interface PageDeps {
  access: Access;
  /**
   * Starts the API requests at these URLs (path and query) for the caller of
   * `c`, as if its page had sent them, without waiting: a view's first
   * requests, asked when its page is sent so their answers are computed (and
   * cached) while the page's script loads.
   */
  prefetch?: (urls: string[], c: Context) => void;
}

export function createPageRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  for (const path of ['/', '/v/*', '/sign-in', '/assets/*']) app.use(path, securityHeaders());

  const render = (c: Context, id: string) => {
    const view = VIEWS.find((v) => v.id === id);
    if (!view) return c.html(`<!doctype html><title>Not found</title><p>No view "${id.replace(/[^a-z0-9-]/gi, '')}". <a href="/">Overview</a></p>`, 404);
    const scope = sessionScope(deps.access, c);
    if (!scope) return c.body(signInPage(), 200, HTML_HEADERS);
    const filters: Record<string, string> = {};
    for (const f of FILTERS) {
      const v = c.req.query(f);
      if (v !== undefined) filters[f] = v;
    }
    const html = viewPage({ view, views: VIEWS, filters, scope });
    if (deps.prefetch && view.firstRequests) deps.prefetch(view.firstRequests(filters).map((r) => requestUrl(filters, r)), c);
    return c.body(html, 200, HTML_HEADERS);
  };
  app.get('/', (c) => render(c, 'overview'));
  app.get('/v/:id', (c) => render(c, c.req.param('id')));
  app.get('/sign-in', (c) => c.body(signInPage(), 200, HTML_HEADERS));
  app.get('/assets/:name', async (c) => {
    const asset = (await dashboardAssets()).get(c.req.param('name'));
    if (!asset) return c.text('not found', 404);
    return c.body(asset.body.slice().buffer, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  });
  return app;
}
