/**
 * The demo's data dir: a second `livelens demo` replaces the first one's
 * data, and `--reset` clears a dir that holds only livelens data. Anything
 * else in the folder (or a folder such as the working directory or home)
 * is never deleted: the error says what is there and what to do.
 *
 * @example
 * prepareDemoDataDir('.livelens', { reset: false }); // 'fresh' | 'replaced previous demo' | 'reset'
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, parse, resolve } from 'node:path';
import { DATA_DIR_ENTRIES, DEMO_MARKER_FILE } from '../../../contract/data-dir.ts';

const LIVELENS_DATA_ENTRIES: readonly string[] = DATA_DIR_ENTRIES;


export type PreparedDataDir = 'fresh' | 'replaced previous demo' | 'reset';

export function prepareDemoDataDir(dir: string, o: { reset: boolean; cwd?: string }): PreparedDataDir {
  const abs = resolve(dir);
  if (!existsSync(abs) || readdirSync(abs).length === 0) {
    mkdirSync(abs, { recursive: true });
    return 'fresh';
  }
  const entries = readdirSync(abs);
  const previousDemo = entries.includes(DEMO_MARKER_FILE);
  if (!previousDemo && !o.reset) {
    throw new Error(`${abs} already holds livelens data that the demo did not write (${entries.join(', ')}); pass --reset to clear it, or --data-dir / LIVELENS_DATA_DIR to use another folder`);
  }
  const forbidden = [parse(abs).root, homedir(), resolve(o.cwd ?? process.cwd())];
  const foreign = entries.filter((e) => !LIVELENS_DATA_ENTRIES.includes(e));
  if (forbidden.includes(abs) || foreign.length > 0) {
    throw new Error(`refusing to clear ${abs}: it holds files livelens did not write (${foreign.join(', ') || 'a system or working folder'}); choose an empty folder with --data-dir`);
  }
  for (const e of entries) rmSync(join(abs, e), { recursive: true, force: true });
  return previousDemo ? 'replaced previous demo' : 'reset';
}

/** Marks the data dir as the demo's, with what a later run or a person may want to know. */
export function writeDemoMarker(dir: string, info: Record<string, unknown>): void {
  writeFileSync(join(dir, DEMO_MARKER_FILE), `${JSON.stringify(info, null, 2)}\n`);
}
