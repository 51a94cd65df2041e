/**
 * The dashboard as one Hono app (docs/spec.md §8): the page at `/`, the data
 * API under `/api/v1/`, the session routes, security headers on all of it.
 * Mounted on the collector's app by `livelens serve` (one line), sharing the
 * access layer with the other `/api/v1/` routes (the live panel).
 *
 * @example
 * const access = createAccess({ tokens });
 * app.route('/', createDashboardApp({ access, dataDir: '.livelens' }));
 */
import type { LakeLocation } from '../pipeline/lake/lake-location.ts';
import { Hono, type Context } from 'hono';
import { securityHeaders, type Access, type AccessEnv } from './access/index.ts';
import { createApiRoutes, type ApiResult } from './api/routes.ts';
import type { ResultCache } from './api/result-cache.ts';
import { SharedEngine } from './api/shared-engine.ts';
import { createPageRoutes } from './page/routes.ts';

export interface DashboardDeps {
  access: Access;
  /** Where the lake is read from. */
  dataDir: string;
  /** The engine the reports run on (opened on first use); default DuckDB over `dataDir`. */
  engine?: SharedEngine;
  /** LIVELENS_EXPERIMENTS; default `<data dir>/experiments.json`. */
  experimentsFile?: string;
  /** Where the lake is (LIVELENS_LAKE: a folder or S3), for data health; default `<data dir>/lake`. */
  lake?: LakeLocation;
  /** The API's result cache (tests look into it); default a new one. */
  cache?: ResultCache<ApiResult>;
}

/** Path prefix of the data API. */
export const API_PREFIX = '/api/v1';

/**
 * Sends `urls` through the dashboard app itself with the caller's cookie
 * (the same access checks, retailer scoping and result cache as the page's
 * own requests), without waiting; the answers are dropped. The first (the
 * view's first card) is sent alone and the rest once it has answered, so it
 * does not share the machine with them and is the first to be ready.
 */
function prefetch(app: Hono<AccessEnv>, urls: readonly string[], c: Context): void {
  const headers: Record<string, string> = { accept: 'application/json' };
  const cookie = c.req.header('cookie');
  if (cookie !== undefined) headers.cookie = cookie;
  const base = new URL(c.req.url);
  const send = (url: string) => Promise.resolve(app.request(new URL(url, base).toString(), { headers }))
    .then((res) => res.arrayBuffer())
    .catch(() => undefined);
  const [first, ...rest] = urls;
  if (first === undefined) return;
  void send(first).then(() => Promise.all(rest.map(send)));
}

export function createDashboardApp(deps: DashboardDeps): Hono<AccessEnv> {
  const app = new Hono<AccessEnv>();
  app.use(`${API_PREFIX}/*`, securityHeaders());
  app.route('/', createPageRoutes({ access: deps.access, prefetch: (urls, c) => prefetch(app, urls, c) }));
  app.route('/', deps.access.routes);
  app.use(`${API_PREFIX}/*`, deps.access.require);
  app.route('/', createApiRoutes({ dataDir: deps.dataDir, engine: deps.engine ?? new SharedEngine({ dataDir: deps.dataDir }), experimentsFile: deps.experimentsFile, lake: deps.lake, cache: deps.cache }));
  return app;
}
