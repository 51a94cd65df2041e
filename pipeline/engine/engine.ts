/**
 * A query engine runs one named SQL file from `queries/` with bound
 * parameters and returns plain rows. DuckDB (embedded, the default) and
 * Amazon Athena implement it; the SQL text is the same for both.
 *
 * @example
 * const rows = await engine.run('conversion_by_creator', { from_ms: 0, to_ms: Date.now(), window_ms: 86_400_000 });
 */
export type SqlValue = string | number | boolean | null;
export type Row = Record<string, SqlValue>;

export interface QueryEngine {
  readonly name: 'duckdb' | 'athena';
  /** Runs `queries/<queryName>.sql` with named parameters (`$name` in the SQL text). */
  run(queryName: string, params?: Record<string, SqlValue>): Promise<Row[]>;
  close(): Promise<void>;
}
