/**
 * Named query parameters (`$from_ms` in the SQL text). DuckDB binds them by
 * name; Athena only takes positional `?` with `ExecutionParameters`, so this
 * module is the one place that maps names to positions and values to
 * Athena literals. Parameters are always bound, never spliced into SQL.
 *
 * @example
 * toPositional("SELECT 1 WHERE a = $x AND b = $x", { x: "it's" });
 * // { sql: "SELECT 1 WHERE a = ? AND b = ?", values: ["'it''s'", "'it''s'"] }
 */
import type { SqlValue } from './engine.ts';
import { sqlString } from './sql-string.ts';

export interface ParameterUse {
  name: string;
  /** Offset of the `$` in the SQL text. */
  start: number;
  /** Offset just past the name. */
  end: number;
}

const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Every `$name` in the SQL, in order, skipping string literals, quoted
 * identifiers and comments (where a `$` is text, not a parameter).
 */
export function parameterUses(sql: string): ParameterUse[] {
  const uses: ParameterUse[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const close = sql.indexOf(ch, i + 1);
      // A doubled quote ('') continues the literal; indexOf then finds the next one.
      i = close === -1 ? sql.length : close + 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (ch === '$' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      let end = i + 1;
      while (end < sql.length && NAME_CHAR.test(sql[end]!)) end++;
      uses.push({ name: sql.slice(i + 1, end), start: i, end });
      i = end;
    } else {
      i++;
    }
  }
  return uses;
}

/** Distinct parameter names of the SQL, in first-use order. */
export function parameterNames(sql: string): string[] {
  return [...new Set(parameterUses(sql).map((u) => u.name))];
}

/** Throws naming every parameter the SQL uses but `params` lacks. */
export function checkParameters(queryName: string, sql: string, params: Record<string, SqlValue>): void {
  const missing = parameterNames(sql).filter((n) => !(n in params) || params[n] === undefined);
  if (missing.length > 0) {
    const needed = parameterNames(sql).map((n) => `$${n}`).join(', ');
    throw new Error(`query "${queryName}" needs parameter(s) ${missing.map((n) => `$${n}`).join(', ')} (it uses ${needed})`);
  }
}

/**
 * An Athena `ExecutionParameters` entry: the value as a SQL literal
 * (strings quoted with `'` doubled; integers as integer literals, other
 * numbers as DOUBLE literals; NULL). Athena substitutes it for a `?`.
 */
export function athenaLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`parameter value ${value} is not allowed: only finite numbers`);
    // An integer literal outside INTEGER is typed BIGINT by Athena; a fraction needs a DOUBLE literal.
    return Number.isInteger(value) ? String(value) : `DOUBLE '${value}'`;
  }
  return sqlString(value);
}

/** The SQL with each `$name` replaced by `?`, and the literals in the order of the `?`s. */
export function toPositional(sql: string, params: Record<string, SqlValue>): { sql: string; values: string[] } {
  let out = '';
  let last = 0;
  const values: string[] = [];
  for (const use of parameterUses(sql)) {
    out += `${sql.slice(last, use.start)}?`;
    last = use.end;
    const value = params[use.name];
    if (value === undefined) throw new Error(`no value for parameter $${use.name}`);
    values.push(athenaLiteral(value));
  }
  return { sql: out + sql.slice(last), values };
}
