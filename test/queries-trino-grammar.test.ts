/**
 * One SQL text for both engines: every queries/**\/*.sql (whatever files
 * exist), with its required queries resolved and its parameters substituted
 * as Athena substitutes them, parses with Trino's own grammar (Athena's
 * query engine); the Athena setup DDL parses too (external tables with
 * Hive's grammar, which Athena runs DDL with; the views with Trino's).
 * DuckDB-only spellings belong in pipeline/engine/duckdb-dialect.ts, and the
 * negative cases show the grammar refuses them.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue } from '../pipeline/engine/engine.ts';
import { athenaLiteral, parameterNames, parameterUses, toPositional } from '../pipeline/engine/parameters.ts';
import { loadQuery, placeholderNames, QUERIES_DIR, readQueryFile } from '../pipeline/engine/query-files.ts';
import { queryIdentifierSets } from '../pipeline/reports/definitions.ts';
import { athenaSetupStatements } from '../pipeline/engine/athena-ddl.ts';
import { ENGINE_PERIOD_VIEWS } from '../pipeline/engine/partition-bounds.ts';
import { describeSyntaxErrors, sqlGrammars, type SqlGrammar } from './sql-grammar.ts';

/** Values of known parameters, of the types the reports bind (a quote in a string, as a user may send). */
const SAMPLE_PARAMETERS: Record<string, SqlValue> = {
  from_ms: 1_793_491_200_000,
  to_ms: 1_793_577_600_000,
  window_ms: 86_400_000,
  lookback_ms: 1_209_600_000,
  cap_percentile: 0.99,
  retailer_id: "o'brien",
  region: 'DE',
  show_id: 'show-1',
  experiment_id: 'exp-1',
};

/** A value for any parameter (new ones included): `*_ms` integers, fractions for percentiles/rates, strings otherwise. */
function sampleValue(name: string): SqlValue {
  if (name in SAMPLE_PARAMETERS) return SAMPLE_PARAMETERS[name]!;
  if (name.endsWith('_ms')) return 60_000;
  if (name.endsWith('_dt')) return '2026-11-01';
  if (/percentile|rate|pct|alpha/.test(name)) return 0.5;
  return `sample '${name}'`;
}

/** Query names (`conversion_by_creator`, `views/events`) of every .sql file under queries/. */
function queryNames(dir = QUERIES_DIR): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) names.push(...queryNames(full));
    else if (entry.name.endsWith('.sql')) names.push(relative(QUERIES_DIR, full).replace(/\.sql$/, '').split('\\').join('/'));
  }
  return names.sort();
}

/** The SQL as Athena runs it after substituting ExecutionParameters: each `$name` replaced by its literal. */
function withLiterals(sql: string, params: Record<string, SqlValue>): string {
  let out = '';
  let last = 0;
  for (const use of parameterUses(sql)) {
    out += sql.slice(last, use.start) + athenaLiteral(params[use.name]!);
    last = use.end;
  }
  return out + sql.slice(last);
}

function expectParses(grammar: SqlGrammar, sql: string, what: string): void {
  const errors = grammar.validate(sql);
  expect(errors, `${what} does not parse:\n${describeSyntaxErrors(sql, errors)}`).toEqual([]);
}

let trino: SqlGrammar;
let hive: SqlGrammar;
beforeAll(async () => {
  ({ trino, hive } = await sqlGrammars());
}, 60_000);

const names = queryNames();

describe('queries/ with Trino\'s grammar', () => {
  it('finds the query files', () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
    expect(names).toContain('views/events');
  });

  it.each(names)('%s parses, with ? markers and with substituted literals', (name) => {
    // A template (a report family) parses with every group column of its whitelist.
    const sets = placeholderNames(readQueryFile(name)).length > 0 ? queryIdentifierSets(name) : [{}];
    expect(sets.length).toBeGreaterThan(0);
    for (const identifiers of sets) {
      // As Athena runs it: with the partition-bounded dedupe views it carries (partition-bounds.ts).
      const sql = loadQuery(name, QUERIES_DIR, identifiers, ENGINE_PERIOD_VIEWS.athena);
      const what = `${name}${Object.keys(identifiers).length > 0 ? ` ${JSON.stringify(identifiers)}` : ''}`;
      const params = Object.fromEntries(parameterNames(sql).map((n) => [n, sampleValue(n)]));
      expectParses(trino, toPositional(sql, params).sql, `${what} (as sent, with ?)`);
      expectParses(trino, withLiterals(sql, params), `${what} (parameters substituted)`);
    }
  });

  it('the Athena setup parses: external tables with Hive\'s grammar, views with Trino\'s', () => {
    const statements = athenaSetupStatements('s3://lake-bucket/livelens/lake');
    const tables = statements.filter((s) => s.startsWith('CREATE EXTERNAL TABLE'));
    const views = statements.filter((s) => s.startsWith('CREATE OR REPLACE VIEW'));
    expect(tables.length).toBeGreaterThanOrEqual(2);
    expect(views.length).toBeGreaterThanOrEqual(2);
    for (const t of tables) expectParses(hive, t, t.split('\n')[0]!);
    for (const v of views) expectParses(trino, v, v.split('\n')[0]!);
  });

  it.each([
    ['QUALIFY', 'SELECT a FROM t QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1'],
    ['the :: cast', 'SELECT a::VARCHAR FROM t'],
    ['SELECT * EXCLUDE', 'SELECT * EXCLUDE (a) FROM t'],
    ['a DuckDB $name parameter', 'SELECT a FROM t WHERE b = $from_ms'],
    ['a [list] literal', 'SELECT [1, 2] AS xs'],
    ['a table function without TABLE()', "SELECT a FROM read_parquet('lake/events/*.parquet')"],
  ])('refuses DuckDB-only syntax: %s', (_what, sql) => {
    expect(trino.validate(sql).length).toBeGreaterThan(0);
  });
});
