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
import { Hono } from 'hono';
import { securityHeaders, type Access, type AccessEnv } from './access/index.ts';
import { createApiRoutes } from './api/routes.ts';
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
}

/** Path prefix of the data API. */
export const API_PREFIX = '/api/v1';

export function createDashboardApp(deps: DashboardDeps): Hono<AccessEnv> {
  const app = new Hono<AccessEnv>();
  app.use(`${API_PREFIX}/*`, securityHeaders());
  app.route('/', createPageRoutes({ access: deps.access }));
  app.route('/', deps.access.routes);
  app.use(`${API_PREFIX}/*`, deps.access.require);
  app.route('/', createApiRoutes({ dataDir: deps.dataDir, engine: deps.engine ?? new SharedEngine({ dataDir: deps.dataDir }), experimentsFile: deps.experimentsFile, lake: deps.lake }));
  return app;
}
