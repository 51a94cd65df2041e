/**
 * The page's assets, built once per process with esbuild from
 * dashboard/client/ (script bundled and minified with uPlot; style sheet
 * with uPlot's) and held in memory: the only files the dashboard serves,
 * by exact name, so no path can reach anything else. Nothing comes from a
 * CDN.
 *
 * @example
 * const assets = await dashboardAssets();
 * assets.get('app.js'); // { body, type, gzipBytes }
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Most script a view may load, minified and gzipped (bytes): the budget. */
export const SCRIPT_BUDGET_GZIP_BYTES = 150 * 1024;

export interface Asset {
  body: Uint8Array;
  type: string;
  /** Size after gzip (what the budget counts). */
  gzipBytes: number;
}

const CLIENT_DIR = join(import.meta.dirname, '..', 'client');
let built: Promise<Map<string, Asset>> | undefined;

async function buildAssets(): Promise<Map<string, Asset>> {
  const result = await build({
    entryPoints: [join(CLIENT_DIR, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2021',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]!.contents;
  const require = createRequire(import.meta.url);
  const css = `${readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8')}\n${readFileSync(join(CLIENT_DIR, 'app.css'), 'utf8')}`;
  const asset = (body: Uint8Array, type: string): Asset => ({ body, type, gzipBytes: gzipSync(body, { level: 9 }).byteLength });
  return new Map([
    ['app.js', asset(script, 'text/javascript; charset=utf-8')],
    ['app.css', asset(new TextEncoder().encode(css), 'text/css; charset=utf-8')],
  ]);
}

/** The built assets by file name (built on first call). */
export function dashboardAssets(): Promise<Map<string, Asset>> {
  built ??= buildAssets().catch((err: unknown) => {
    built = undefined;
    throw err;
  });
  return built;
}
