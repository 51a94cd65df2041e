/**
 * A query engine runs one named SQL file from `queries/` with bound
 * parameters and returns plain rows. DuckDB (embedded, the default) and
 * Amazon Athena implement it; the SQL text is the same for both.
 *
 * @example
 * const rows = await engine.run('conversion_by_group', { from_ms: 0, to_ms: Date.now(), window_ms: 86_400_000, retailer_id: '', creator_id: '', show_id: '', region: '' }, { group: 'creator_id' });
 */
import type { QueryIdentifiers } from './query-files.ts';

export type SqlValue = string | number | boolean | null;
export type Row = Record<string, SqlValue>;

/**
 * Column types in one vocabulary for both engines (DuckDB's names; Athena's
 * `varchar`, `bigint`, ... map onto them), so callers and tests can compare.
 */
export type ColumnType = 'VARCHAR' | 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP' | 'OTHER';

export interface ColumnInfo {
  name: string;
  type: ColumnType;
}

/** Rows with the column names and types the engine reported, in order. */
export interface QueryResult {
  columns: ColumnInfo[];
  rows: Row[];
}

export interface QueryEngine {
  readonly name: 'duckdb' | 'athena';
  /**
   * Runs `queries/<queryName>.sql` with named parameters (`$name` in the SQL
   * text, always bound) and, for a template, the identifiers of its
   * `{{name}}` placeholders (from a whitelist; see query-files.ts).
   */
  run(queryName: string, params?: Record<string, SqlValue>, identifiers?: QueryIdentifiers): Promise<Row[]>;
  /** Like `run`, also returning column names and types. */
  query(queryName: string, params?: Record<string, SqlValue>, identifiers?: QueryIdentifiers): Promise<QueryResult>;
  close(): Promise<void>;
  /**
   * Computes each of `queryNames` once, in order, as a table of that name,
   * for the queries `work` runs through the engine it is given: they read
   * the tables instead of inlining the queries as CTEs (DuckDB: temporary
   * tables on one connection, dropped after; a later name reads the earlier
   * ones' tables). Absent (Athena): use `withMaterialized`, which runs
   * `work` on the engine itself, every query one CTE chain.
   */
  withMaterialized?<T>(queryNames: readonly string[], params: Record<string, SqlValue>, work: (engine: QueryEngine) => Promise<T>): Promise<T>;
}

/** Runs `work` with `queryNames` computed once where the engine can (see QueryEngine.withMaterialized), else on the engine as it is. */
export function withMaterialized<T>(
  engine: QueryEngine, queryNames: readonly string[], params: Record<string, SqlValue>, work: (engine: QueryEngine) => Promise<T>,
): Promise<T> {
  return engine.withMaterialized ? engine.withMaterialized(queryNames, params, work) : work(engine);
}
