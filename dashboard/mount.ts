/**
 * The dashboard for a server: resolves LIVELENS_DASHBOARD_TOKENS (one
 * generated admin token when unset), builds the access layer once (shared
 * with the live routes) and the routes to mount on the server's port.
 *
 * @example
 * const dashboard = createDashboard({ dataDir, dashboardTokens: env.LIVELENS_DASHBOARD_TOKENS, writeKeys: env.LIVELENS_WRITE_KEYS });
 * const s = await startServer({ ...settings, routes: [dashboard.routes, liveRoutes(dashboard.access)] });
 * console.log(dashboard.signInText(s.url));
 */
import { parseWriteKeys } from '../collector/write-keys.ts';
import { mountApp, type ServerRoutes, type ServerService } from '../server/start-server.ts';
import { SharedEngine } from './api/shared-engine.ts';
import type { EngineSettings } from '../pipeline/engine/create-engine.ts';
import { createAccess, resolveDashboardTokens, type Access, type DashboardToken } from './access/index.ts';
import { createDashboardApp } from './app.ts';
import { dashboardAssets } from './page/assets.ts';

export interface DashboardOptions {
  dataDir: string;
  /** LIVELENS_DASHBOARD_TOKENS; unset or blank: one generated admin token. */
  dashboardTokens?: string;
  /** The reports' engine (as `livelens report` resolves it); default DuckDB over `dataDir`. */
  engineSettings?: EngineSettings;
  /** LIVELENS_EXPERIMENTS; default `<data dir>/experiments.json`. */
  experimentsFile?: string;
  /** LIVELENS_WRITE_KEYS, so that no dashboard token equals a write key and write keys are refused by name. */
  writeKeys?: string;
}

export interface Dashboard {
  /** Mount on the server: `startServer({ routes: [dashboard.routes] })`. */
  routes: ServerRoutes;
  /** Opens the dashboard's query engine (lake views built) when the server starts, closes it when it stops: `startServer({ services: [dashboard.service] })`. */
  service: ServerService;
  /** The access layer, for other `/api/v1/` routes (the live panel). */
  access: Access;
  tokens: DashboardToken[];
  /** True when no token was configured and one admin token was generated. */
  generatedToken: boolean;
  /** The lines to print at start: the dashboard's URL and how to sign in. */
  signInText(serverUrl: string): string;
}

/** Throws one clear line for a bad token list or a token equal to a write key. */
export function createDashboard(options: DashboardOptions): Dashboard {
  const { tokens, generated } = resolveDashboardTokens(options.dashboardTokens);
  const writeKeys = options.writeKeys !== undefined && options.writeKeys.trim() !== '' ? parseWriteKeys(options.writeKeys).map((k) => k.key) : [];
  const access = createAccess({ tokens, writeKeys });
  const engine = new SharedEngine(options.engineSettings ?? { dataDir: options.dataDir });
  const app = createDashboardApp({ access, dataDir: options.dataDir, engine, experimentsFile: options.experimentsFile, lake: options.engineSettings?.lake });
  return {
    routes: mountApp('/', app),
    // Warmed at start, so the first view does not wait for DuckDB to open and list the lake, nor for esbuild to build the page's script.
    service: { name: 'dashboard', start: async () => { await Promise.all([engine.warm(), dashboardAssets().catch(() => undefined)]); }, stop: () => engine.close() },
    access,
    tokens,
    generatedToken: generated,
    signInText: (serverUrl) =>
      `dashboard: ${serverUrl}/\n` +
      (generated
        ? `dashboard sign-in token (admin): ${tokens[0]!.token}\n`
        : 'dashboard: sign in with a token of --dashboard-tokens / LIVELENS_DASHBOARD_TOKENS\n'),
  };
}
