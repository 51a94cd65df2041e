/**
 * The viewer page's files, held in memory and served by exact name
 * (viewer/routes.ts): the page, its style sheet, its script (viewer/page/main.ts
 * bundled by esbuild once per process, with the SDK and amazon-ivs-player:
 * the player is CommonJS and expects Node's `global`, hence
 * `--define:global=window`, and needs `bowser`, `lodash`, `events` and
 * `util`, all installed), and the player's worker and WebAssembly binary from
 * its package. Nothing is fetched from a CDN at run time.
 *
 * @example
 * if (ivsPlayerAssetsDir()) { const a = await viewerAssets(); a.get('viewer.js'); }
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The player's files the page loads, as the package names them. */
export const IVS_WORKER_FILE = 'amazon-ivs-wasmworker.min.js';
export const IVS_WASM_FILE = 'amazon-ivs-wasmworker.min.wasm';

export interface ViewerAsset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
}

const PAGE_DIR = join(import.meta.dirname, 'page');

/** The folder of amazon-ivs-player's worker and wasm, or undefined when the package is not installed (it is a dev dependency). */
export function ivsPlayerAssetsDir(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('amazon-ivs-player')), 'assets');
    return existsSync(join(dir, IVS_WASM_FILE)) && existsSync(join(dir, IVS_WORKER_FILE)) ? dir : undefined;
  } catch {
    return undefined;
  }
}

async function buildAssets(): Promise<Map<string, ViewerAsset>> {
  const ivs = ivsPlayerAssetsDir();
  if (!ivs) throw new Error('amazon-ivs-player is not installed (npm install, with dev dependencies): the viewer page needs it');
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(PAGE_DIR, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    define: { global: 'window' },
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = (type: string, file: string): ViewerAsset => ({ body: new Uint8Array(readFileSync(file)), type });
  return new Map([
    ['viewer.html', text('text/html; charset=utf-8', join(PAGE_DIR, 'viewer.html'))],
    ['viewer.css', text('text/css; charset=utf-8', join(PAGE_DIR, 'viewer.css'))],
    ['viewer.js', { body: new Uint8Array(result.outputFiles[0]!.contents), type: 'text/javascript; charset=utf-8' }],
    [IVS_WORKER_FILE, text('text/javascript; charset=utf-8', join(ivs, IVS_WORKER_FILE))],
    // The player compiles it with WebAssembly.instantiateStreaming, which browsers allow only for this type.
    [IVS_WASM_FILE, text('application/wasm', join(ivs, IVS_WASM_FILE))],
  ]);
}

let built: Promise<Map<string, ViewerAsset>> | undefined;

/** The page's files by name (built on first call; a failed build is tried again on the next). */
export function viewerAssets(): Promise<Map<string, ViewerAsset>> {
  built ??= buildAssets().catch((err: unknown) => {
    built = undefined;
    throw err;
  });
  return built;
}
