/**
 * Builds the `livelens` command into `cli/dist/` with esbuild: the CLI and
 * everything it imports from this repository as ES modules (one chunk per
 * lazily loaded command), packages left to Node. `bin/livelens.js` runs it
 * while it is fresh (bin/cli-bundle.js: no source listed in its manifest is
 * newer than the build) and the TypeScript through tsx otherwise, so an edit
 * is never hidden behind a stale build. Why: tsx's loader costs ~0.4 CPU s of
 * every start (1.2–1.6 → 0.75–0.85 CPU s for `livelens report --help`).
 *
 * Files that find their neighbours through `import.meta.url` or
 * `import.meta.dirname` (queries/, the dashboard's client, the viewer page)
 * keep finding them: both are rewritten to the source file's own location.
 *
 * @example
 * npm run build:cli   // at install (prepare) and before the tests (test/global-setup.ts)
 */
import { build, type Plugin } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the build goes (gitignored). */
export const CLI_DIST_DIR = join(ROOT, 'cli', 'dist');
/** The build's list of inputs and start time, read by bin/cli-bundle.js. */
export const CLI_MANIFEST = 'manifest.json';
const ENTRY = join(ROOT, 'cli', 'livelens.ts');

/** `import.meta.url` / `.dirname` of a bundled source file, as the file itself would see them. */
function sourceLocations(outDir: string): Plugin {
  return {
    name: 'source-locations',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        let text = readFileSync(args.path, 'utf8');
        if (text.includes('import.meta.url') || text.includes('import.meta.dirname')) {
          const url = `new URL(${JSON.stringify(relative(outDir, args.path))}, import.meta.url)`;
          text =
            "import { dirname as __livelensDirname } from 'node:path';\n" +
            "import { fileURLToPath as __livelensFileURLToPath } from 'node:url';\n" +
            text.replaceAll('import.meta.url', `${url}.href`).replaceAll('import.meta.dirname', `__livelensDirname(__livelensFileURLToPath(${url}))`);
        }
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

/** Builds the CLI into `outDir` and writes its manifest; returns the inputs (paths relative to the repository). */
export async function buildCli(outDir = CLI_DIST_DIR): Promise<string[]> {
  // Taken before reading any source: a file saved during the build counts as newer than it.
  const startedAtMs = Date.now();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { livelens: ENTRY },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    splitting: true,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    plugins: [sourceLocations(outDir)],
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, join(process.cwd(), p))).sort();
  writeFileSync(join(outDir, CLI_MANIFEST), `${JSON.stringify({ startedAtMs, inputs }, null, 1)}\n`);
  return inputs;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const inputs = await buildCli();
  console.log(`cli: ${relative(ROOT, CLI_DIST_DIR)}/livelens.mjs from ${inputs.length} files`);
}
