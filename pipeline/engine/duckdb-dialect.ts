/**
 * The one place where DuckDB is taught the Trino (Athena) functions that
 * queries/*.sql use, so both engines run the same text. Every other function
 * the queries use (`count(DISTINCT ...)`, `FILTER (WHERE ...)`, `arbitrary`,
 * `min_by`, `nullif`, `coalesce`, `row_number() OVER`) means the same in both.
 *
 * @example
 * for (const sql of DUCKDB_COMPAT_MACROS) await connection.run(sql);
 */
import fs from 'node:fs';
import path from 'node:path';
import { LAKE_DIR, LAKE_EVENT_COLUMNS, LAKE_ORDER_COLUMNS, LAKE_TABLES } from '../../contract/lake.ts';

export const DUCKDB_COMPAT_MACROS: readonly string[] = [
  // Athena: approx_percentile(x, p), within its stated error. DuckDB: the exact
  // linear-interpolated percentile, which SPEC section 4 defines.
  'CREATE OR REPLACE MACRO approx_percentile(x, p) AS quantile_cont(x, p)',
  // Athena: json_extract_scalar(json, '$["key"]'). DuckDB's JSON paths spell a quoted key $."key".
  `CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS json_extract_string(j, regexp_replace(p, '^\\$\\["(.*)"\\]$', '$."\\1"'))`,
];

/** Quotes a string as a DuckDB literal (for file paths, never user parameters). */
function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Does any `*.parquet` file exist below `dir`? */
function hasParquet(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && hasParquet(path.join(dir, entry.name))) return true;
    if (entry.isFile() && entry.name.endsWith('.parquet')) return true;
  }
  return false;
}

/**
 * `CREATE VIEW <name>` over the Parquet files of one lake table (Hive
 * partitions `dt=YYYY-MM-DD`), with exactly the contract's columns in the
 * contract's types; an empty table when nothing has landed yet, so reports
 * on an empty lake return no rows instead of failing.
 */
export function lakeTableView(viewName: string, tableDir: string, columns: Record<string, string>): string {
  const select = Object.entries(columns).map(([name, type]) => `CAST(${name} AS ${type}) AS ${name}`).join(', ');
  if (!hasParquet(tableDir)) {
    const nulls = Object.entries(columns).map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`).join(', ');
    return `CREATE OR REPLACE VIEW ${viewName} AS SELECT ${nulls} WHERE false`;
  }
  const glob = quoteLiteral(path.join(tableDir, '**', '*.parquet'));
  // union_by_name: files written before a column existed still read (it is NULL there).
  return `CREATE OR REPLACE VIEW ${viewName} AS SELECT ${select} FROM read_parquet(${glob}, hive_partitioning = true, hive_types = {'dt': VARCHAR}, union_by_name = true)`;
}

/** Views `lake_events` and `lake_orders` over `<dataDir>/lake/`, as the Athena DDL names its tables. */
export function lakeViews(dataDir: string): string[] {
  const lake = path.resolve(dataDir, LAKE_DIR);
  return [
    lakeTableView('lake_events', path.join(lake, LAKE_TABLES.events), LAKE_EVENT_COLUMNS),
    lakeTableView('lake_orders', path.join(lake, LAKE_TABLES.orders), LAKE_ORDER_COLUMNS),
  ];
}
