/**
 * Before any test file: builds the `livelens` command (cli/build.ts, as
 * `npm run build:cli` does) from the sources as they are, so every test that
 * starts `bin/livelens.js` runs the build a user gets from `npm install`,
 * never a stale one. A process of its own: nothing outside cli/ imports cli/.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export default function setup(): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'cli/build.ts'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
