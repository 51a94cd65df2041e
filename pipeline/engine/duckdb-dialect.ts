/**
 * The one place where DuckDB is taught the Trino (Athena) functions that
 * queries/*.sql use, so both engines run the same text. Every other function
 * the queries use (`count(DISTINCT ...)`, `FILTER (WHERE ...)`, `arbitrary`,
 * `min_by`, `nullif`, `coalesce`, `row_number() OVER`) means the same in both.
 *
 * @example
 * for (const sql of DUCKDB_COMPAT_MACROS) await connection.run(sql);
 */
export const DUCKDB_COMPAT_MACROS: readonly string[] = [
  // Athena: approx_percentile(x, p), within its stated error. DuckDB: the exact
  // linear-interpolated percentile, which docs/spec.md §4 defines.
  'CREATE OR REPLACE MACRO approx_percentile(x, p) AS quantile_cont(x, p)',
  // Athena: json_extract_scalar(json, '$["key"]'). DuckDB's JSON paths spell a quoted key $."key".
  // Athena: array_join(array, separator). DuckDB spells it array_to_string.
  "CREATE OR REPLACE MACRO array_join(a, sep) AS array_to_string(a, sep)",
  `CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS json_extract_string(j, regexp_replace(p, '^\\$\\["(.*)"\\]$', '$."\\1"'))`,
];
