/**
 * Loads SQL files from `queries/`. A query may build on another query file
 * by naming it in a `-- requires: name[, name]` header line and reading it as
 * a table; the loader prepends each required query as a CTE, so the rule
 * (for example attribution) lives in exactly one file and both engines get
 * one self-contained statement. A query that differs between reports only
 * in an identifier (the group column of a report family) names it as a
 * `{{name}}` placeholder, and the caller gives the identifier from its
 * whitelist (pipeline/reports/definitions.ts); values are never substituted,
 * they are bound parameters. The report predicates (the period, the
 * retailer, creator, show and region filters) are written once as
 * placeholders such as `{{filters e}}`, expanded as a file is read
 * (query-predicates.ts).
 *
 * @example
 * const sql = loadQuery('conversion_by_group', QUERIES_DIR, { group: 'creator_id' }); // WITH attributed_order_lines AS (...), ...
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PERIOD_VIEWS, type PeriodView } from './partition-bounds.ts';
import { expandPredicates } from './query-predicates.ts';

/** Where the SQL files live: `<repo>/queries`. */
export const QUERIES_DIR = fileURLToPath(new URL('../../queries/', import.meta.url));

/** Allowed query names: lowercase words and digits with `_` or `/` (a subfolder). */
const QUERY_NAME = /^[a-z][a-z0-9_]*(\/[a-z][a-z0-9_]*)?$/;
const REQUIRES_LINE = /^--\s*requires:\s*(.+)$/m;
/** A `{{name}}` placeholder for an identifier. */
const PLACEHOLDER = /\{\{([a-z][a-z0-9_]*)\}\}/g;
/** What an identifier given for a placeholder may be: a plain lowercase column name. */
const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

/** Identifiers for a query's `{{name}}` placeholders, e.g. `{ group: 'region' }`. */
export type QueryIdentifiers = Readonly<Record<string, string>>;

/** Placeholder names used in a query text, in first-use order. */
export function placeholderNames(sql: string): string[] {
  return [...new Set([...sql.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Replaces every `{{name}}` with its identifier; refuses a missing, unused or malformed one. */
function substituteIdentifiers(name: string, sql: string, identifiers: QueryIdentifiers): string {
  const used = placeholderNames(sql);
  for (const [key, value] of Object.entries(identifiers)) {
    if (!used.includes(key)) throw new Error(`query "${name}" has no {{${key}}} placeholder (it has ${used.map((u) => `{{${u}}}`).join(', ') || 'none'})`);
    if (!IDENTIFIER.test(value)) throw new Error(`identifier "${value}" for {{${key}}} is not allowed: lowercase letters, digits and _`);
  }
  const missing = used.filter((u) => identifiers[u] === undefined);
  if (missing.length > 0) throw new Error(`query "${name}" needs an identifier for ${missing.map((m) => `{{${m}}}`).join(', ')}`);
  return sql.replace(PLACEHOLDER, (_, key: string) => identifiers[key]!);
}

/** A required query's nesting is bounded so a cycle fails loudly. */
export const MAX_QUERY_DEPENDENCY_DEPTH = 8;

/** The text of `queries/<name>.sql` with its predicate placeholders expanded (query-predicates.ts); dependencies and identifiers not resolved. */
export function readQueryFile(name: string, dir: string = QUERIES_DIR): string {
  if (!QUERY_NAME.test(name)) {
    throw new Error(`query name "${name}" is not allowed: use lowercase letters, digits and _ (a file in queries/)`);
  }
  const file = path.join(dir, `${name}.sql`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`no query named "${name}": expected the file ${file}`);
  }
  return expandPredicates(name, text);
}

/** Names listed in the file's `-- requires:` header line (none when absent). */
export function requiredQueries(sql: string): string[] {
  const m = REQUIRES_LINE.exec(sql);
  return m ? m[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}

/** Required queries in dependency order (deepest first), each once; `materialized` ones (and what only they need) are left out. */
function dependencyOrder(name: string, dir: string, seen: string[], depth: number, materialized: readonly string[]): string[] {
  if (depth > MAX_QUERY_DEPENDENCY_DEPTH) {
    throw new Error(`query "${name}" nests required queries deeper than ${MAX_QUERY_DEPENDENCY_DEPTH} (a cycle?)`);
  }
  for (const dep of requiredQueries(readQueryFile(name, dir))) {
    if (materialized.includes(dep)) continue;
    dependencyOrder(dep, dir, seen, depth + 1, materialized);
    if (!seen.includes(dep)) seen.push(dep);
  }
  return seen;
}

/** Every query `name` requires, directly or through another, dependencies first (the depth check ends a cycle). */
export function allRequiredQueries(name: string, dir: string = QUERIES_DIR): string[] {
  return dependencyOrder(name, dir, [], 0, []);
}

/** Whether SQL text reads the view `name` (`FROM name` or `JOIN name`). */
function readsView(sql: string, name: string): boolean {
  return new RegExp(`\\b(?:FROM|JOIN)\\s+${name}\\b`, 'i').test(sql);
}

/** Splits leading `--` comment lines and blank lines from the statement. */
function splitLeadingComments(sql: string): { comments: string; body: string } {
  const lines = sql.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i]!.trim().startsWith('--') || lines[i]!.trim() === '')) i++;
  return { comments: lines.slice(0, i).join('\n'), body: lines.slice(i).join('\n') };
}

/**
 * One self-contained statement for `queries/<name>.sql`: its required
 * queries become leading CTEs named after their files, and its `{{name}}`
 * placeholders the given identifiers. `periodViews` (the engine's list in
 * partition-bounds.ts) become leading CTEs too, `events AS (<queries/views/
 * events_in_period.sql>)`, when the statement reads them. A required query
 * named in `materialized` is not inlined: the statement reads it as the
 * table of that name the caller computed beforehand (DuckDB's temporary
 * table of a report request; see duckdb-materialized.ts). A required query
 * named in `tables` is read from the table given for it, as the leading CTE
 * `name AS (SELECT * FROM <table>)` (DuckDB's results shared per lake state).
 */
export function loadQuery(
  name: string, dir: string = QUERIES_DIR, identifiers: QueryIdentifiers = {}, periodViews: readonly PeriodView[] = [],
  materialized: readonly string[] = [], tables: Readonly<Record<string, string>> = {},
): string {
  for (const table of Object.values(tables)) {
    if (!IDENTIFIER.test(table)) throw new Error(`table "${table}" is not allowed: lowercase letters, digits and _`);
  }
  const sql = readQueryFile(name, dir);
  const deps = dependencyOrder(name, dir, [], 0, [...materialized, ...Object.keys(tables)]);
  const texts = [sql, ...deps.map((dep) => readQueryFile(dep, dir))];
  // A period view is carried only by a statement that reads it (never by the view files themselves).
  const views = name.startsWith('views/') ? [] : periodViews.filter((v) => texts.some((t) => readsView(t, v)));
  const read = Object.entries(tables).filter(([dep]) => texts.some((t) => readsView(t, dep)));
  if (deps.length === 0 && views.length === 0 && read.length === 0) return substituteIdentifiers(name, sql, identifiers);
  const { comments, body } = splitLeadingComments(sql);
  const ctes = [
    ...views.map((v) => `${v} AS (\n${readQueryFile(PERIOD_VIEWS[v], dir)}\n)`),
    ...read.map(([dep, table]) => `${dep} AS (SELECT * FROM ${table})`),
    ...deps.map((dep) => `${dep} AS (\n${readQueryFile(dep, dir)}\n)`),
  ].join(',\n');
  const startsWithWith = /^WITH\s/i.test(body);
  const rest = startsWithWith ? `,\n${body.replace(/^WITH\s+/i, '')}` : `\n${body}`;
  return substituteIdentifiers(name, `${comments}\nWITH ${ctes}${rest}`, identifiers);
}
