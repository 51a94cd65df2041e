/**
 * SDK tracking overhead (issue 3): events per ms of main-thread time, in one
 * run, against two baselines doing the least any tracker must do (see
 * bench/sdk-cases.ts). Runs the cases in Node and then in Chromium (the
 * cases bundled by esbuild, real localStorage for the persisted queue), each
 * the median of ROUNDS rounds.
 *
 * @example
 * npm run bench:sdk -- --events 20000 --rounds 5 [--no-browser]
 */
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../test/browser/chromium.ts';
import { startStaticServer } from '../test/browser/static-server.ts';
import { formatBench, runSdkBench, type BenchRow } from './sdk-cases.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    'no-browser': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);

console.log(formatBench(`sdk overhead in Node ${process.version}, ${EVENTS} events, median of ${ROUNDS} rounds`, await runSdkBench(EVENTS, ROUNDS), EVENTS));

if (!args['no-browser']) {
  const bundle = await build({
    stdin: {
      contents: `import { runSdkBench } from './bench/sdk-cases.ts'; window.runSdkBench = (n, r) => runSdkBench(n, r, localStorage);`,
      resolveDir: join(import.meta.dirname, '..'),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    define: { global: 'window' },
    write: false,
    logLevel: 'silent',
  });
  const site = await startStaticServer({}, {
    '/': ['text/html; charset=utf-8', '<!doctype html><script src="/bench.js"></script>'],
    '/bench.js': ['text/javascript; charset=utf-8', bundle.outputFiles[0]!.text],
  });
  const userData = mkdtempSync(join(tmpdir(), 'livelens-bench-'));
  const browser = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(site.url);
    const rows = (await page.evaluate(`window.runSdkBench(${EVENTS}, ${ROUNDS})`)) as BenchRow[];
    console.log('\n' + formatBench(`sdk overhead in Chromium ${browser.browser()?.version() ?? ''}, ${EVENTS} events, median of ${ROUNDS} rounds`, rows, EVENTS));
  } finally {
    await browser.close();
    await site.stop();
    rmSync(userData, { recursive: true, force: true });
  }
}
