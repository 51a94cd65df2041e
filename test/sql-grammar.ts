/**
 * The Trino and Hive SQL grammars of `dt-sql-parser` (generated from
 * Trino's and Hive's own ANTLR grammars), loadable under Node's ESM: the
 * package's `dist/` uses directory imports, which plain Node refuses, so it
 * is bundled once with esbuild into the OS temp folder (cached by package
 * versions, written under a temp name and renamed, so parallel test files
 * never read a half-written bundle).
 *
 * @example
 * const { trino } = await sqlGrammars();
 * trino.validate('SELECT 1') // [] (a list of syntax errors)
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** One syntax error as dt-sql-parser reports it (1-based lines and columns). */
export interface SqlSyntaxError {
  startLine: number;
  startColumn: number;
  message: string;
}

/** A grammar: every syntax error of a SQL text (empty when it parses). */
export interface SqlGrammar {
  validate(sql: string): SqlSyntaxError[];
}

interface Bundle {
  TrinoSQL: new () => SqlGrammar;
  HiveSQL: new () => SqlGrammar;
}

const require = createRequire(import.meta.url);
const REPO_ROOT = new URL('..', import.meta.url);

function packageVersion(name: string): string {
  const file = require.resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

let loaded: Promise<{ trino: SqlGrammar; hive: SqlGrammar }> | undefined;

/** Builds (once per package version) and loads the Trino and Hive grammars. */
export function sqlGrammars(): Promise<{ trino: SqlGrammar; hive: SqlGrammar }> {
  loaded ??= (async () => {
    const out = join(tmpdir(), `livelens-dt-sql-parser-${packageVersion('dt-sql-parser')}-esbuild-${packageVersion('esbuild')}.mjs`);
    if (!existsSync(out)) {
      const temp = `${out}.${process.pid}.tmp`;
      await build({
        stdin: { contents: "export { TrinoSQL, HiveSQL } from 'dt-sql-parser';", resolveDir: new URL('.', REPO_ROOT).pathname, loader: 'js' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: temp,
        logLevel: 'error',
      });
      renameSync(temp, out);
    }
    const bundle = (await import(pathToFileURL(out).href)) as Bundle;
    return { trino: new bundle.TrinoSQL(), hive: new bundle.HiveSQL() };
  })();
  return loaded;
}

/** Errors as `line:column message` lines, quoting the offending source line, for test failures. */
export function describeSyntaxErrors(sql: string, errors: readonly SqlSyntaxError[]): string {
  const lines = sql.split('\n');
  return errors.map((e) => `${e.startLine}:${e.startColumn} ${e.message}\n    ${lines[e.startLine - 1]?.trim() ?? ''}`).join('\n');
}
