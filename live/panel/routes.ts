/**
 * The live panel page (issue 14) until it becomes a view of the dashboard:
 * `GET /live` (HTML), `/live/panel.js` (its script), `/live/uplot.js` and
 * `/live/uplot.css` (uPlot for the sparklines). The page needs no credential
 * (like `/`); its data comes from the scoped `/api/v1/live*` routes after
 * sign-in (`POST /api/v1/session`). Scripts and styles are files of this
 * origin, as the dashboard's Content-Security-Policy requires.
 *
 * @example
 * app.route('/', panelRoutes());
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { securityHeaders } from '../../dashboard/access/index.ts';

const require = createRequire(import.meta.url);
const here = new URL('.', import.meta.url);

function asset(path: string): string {
  return readFileSync(path, 'utf8');
}

/** The panel's routes; the files are read once, on first request. */
export function panelRoutes(): Hono {
  const app = new Hono();
  const cache = new Map<string, string>();
  const file = (name: string, load: () => string) => {
    let text = cache.get(name);
    if (text === undefined) cache.set(name, (text = load()));
    return text;
  };
  app.use('/live', securityHeaders());
  app.use('/live/*', securityHeaders());
  const cacheControl = { 'cache-control': 'no-cache' };
  app.get('/live', (c) => c.html(file('html', () => asset(new URL('panel.html', here).pathname)), 200, cacheControl));
  app.get('/live/panel.js', (c) =>
    c.body(file('js', () => asset(new URL('panel.js', here).pathname)), 200, { 'content-type': 'text/javascript; charset=utf-8', ...cacheControl }),
  );
  app.get('/live/panel.css', (c) =>
    c.body(file('css', () => asset(new URL('panel.css', here).pathname)), 200, { 'content-type': 'text/css; charset=utf-8', ...cacheControl }),
  );
  app.get('/live/uplot.js', (c) =>
    c.body(file('uplot.js', () => asset(require.resolve('uplot/dist/uPlot.iife.min.js'))), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' }),
  );
  app.get('/live/uplot.css', (c) =>
    c.body(file('uplot.css', () => asset(require.resolve('uplot/dist/uPlot.min.css'))), 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=3600' }),
  );
  return app;
}
