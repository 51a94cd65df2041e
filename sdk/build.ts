/**
 * Builds the SDK with esbuild: `sdk/dist/livelens.mjs` (ESM) and
 * `sdk/dist/livelens.iife.js` (a `<script>` tag; global `livelens`), both
 * minified by esbuild (which bundles and mangles the `_` properties) and then
 * by terser (sdkTerserOptions: safe compress options only), which shortens
 * what esbuild leaves. `amazon-ivs-player` is not marked external on purpose: the SDK
 * only imports its types, and a value import by mistake would pull the whole
 * player in and fail the size budget.
 *
 * @example
 * npm run build:sdk            # writes sdk/dist and prints the gzipped size
 * await buildSdk({ write: false }) // { esm, iife, gzipBytes }
 */
import { build, type BuildOptions } from 'esbuild';
import { minify, type MinifyOptions } from 'terser';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/**
 * Budget of tracker + IVS binding, minified and gzipped at level 9 (bytes),
 * checked by sdk/size.test.ts: 4 KiB, issue 10's goal (5,105 bytes after the
 * emitter/heartbeat split, 4,343 with esbuild alone, 4,175 with terser after
 * it, 4,095 after internal-only source changes; see README "Budget").
 */
export const SDK_BUDGET_GZIP_BYTES = 4_096;

/**
 * Properties shortened in the bundle: the SDK's internal interfaces
 * (emitter, heartbeat) name theirs with a leading `_`; nothing public, on the
 * wire, or of the browser or player does.
 */
export const SDK_MANGLED_PROPS = /^_/;

/**
 * terser's pass over esbuild's minified output: three compress passes (the
 * third still finds a few bytes) and name mangling; no `unsafe*` option, so
 * the output means what the source says. esbuild mangles the `_` properties
 * before, the same way in both formats. `module` (ESM) lets terser rename
 * and drop top-level names; a script's top level is the page's globals, so
 * the IIFE keeps its `var livelens`. A new object per call: terser writes
 * into the options it is given.
 */
export function sdkTerserOptions(module: boolean): MinifyOptions {
  return { ecma: 2020, module, toplevel: module, compress: { passes: 3 }, mangle: true, format: { comments: false } };
}

const here = dirname(fileURLToPath(import.meta.url));
export const SDK_ENTRY = join(here, 'index.ts');
export const SDK_DIST_DIR = join(here, 'dist');

export interface SdkBuild {
  esm: string;
  iife: string;
  /** Gzipped size (level 9) of the minified ESM build. */
  gzipBytes: number;
}

/** Builds both formats; with `write`, also writes them into SDK_DIST_DIR. */
export async function buildSdk({ write = false } = {}): Promise<SdkBuild> {
  const common: BuildOptions = {
    entryPoints: [SDK_ENTRY],
    bundle: true,
    minify: true,
    target: 'es2020',
    platform: 'browser',
    write: false,
    legalComments: 'none',
    mangleProps: SDK_MANGLED_PROPS,
  };
  const [esm, iife] = await Promise.all([
    build({ ...common, format: 'esm', outfile: join(SDK_DIST_DIR, 'livelens.mjs') }),
    build({ ...common, format: 'iife', globalName: 'livelens', outfile: join(SDK_DIST_DIR, 'livelens.iife.js') }),
  ]);
  const esmFile = esm.outputFiles![0]!;
  const iifeFile = iife.outputFiles![0]!;
  const [esmCode, iifeCode] = await Promise.all([
    terse(esmFile.text, sdkTerserOptions(true)),
    terse(iifeFile.text, sdkTerserOptions(false)),
  ]);
  if (write) {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(SDK_DIST_DIR, { recursive: true });
    await Promise.all([writeFile(esmFile.path, esmCode), writeFile(iifeFile.path, iifeCode)]);
  }
  return { esm: esmCode, iife: iifeCode, gzipBytes: gzipSync(esmCode, { level: 9 }).length };
}

/** terser's output for `code`; throws when terser returns none. */
async function terse(code: string, options: MinifyOptions): Promise<string> {
  const out = await minify(code, options);
  if (out.code === undefined) throw new Error('terser returned no code for the SDK bundle');
  return out.code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const b = await buildSdk({ write: true });
  console.log(`sdk: ${SDK_DIST_DIR}/livelens.{mjs,iife.js}; ${b.esm.length} bytes minified, ${b.gzipBytes} bytes gzipped (budget ${SDK_BUDGET_GZIP_BYTES})`);
}
