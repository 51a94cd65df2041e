/**
 * The one SQL string literal of livelens: `'` doubled inside single quotes,
 * the same in DuckDB and Athena (Trino). For what cannot be bound as a
 * parameter (file paths in COPY and read_parquet, Athena's literal
 * parameters); report parameters are bound, never spliced.
 *
 * @example
 * sqlString("o'brien") // "'o''brien'"
 */

/** `text` as a SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
