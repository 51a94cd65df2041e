/**
 * The embedded engine: an in-memory DuckDB over the local Parquet lake.
 * Timezone pinned to UTC, memory and threads bounded, no extension ever
 * downloaded (parquet, json and icu are built in).
 *
 * @example
 * const engine = await createDuckDbEngine({ dataDir: './.livelens', memoryLimit: '2GB' });
 * const rows = await engine.run('qoe_by_group', { from_ms: 0, to_ms: Date.now(), retailer_id: '', creator_id: '', show_id: '', region: '' }, { group: 'region' });
 * await engine.close();
 */
import os from 'node:os';
import path from 'node:path';
import { BIGINT, BOOLEAN, DOUBLE, DuckDBInstance, VARCHAR, DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBResultReader, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { ColumnInfo, ColumnType, QueryEngine, QueryResult, Row, SqlValue } from './engine.ts';
import { DUCKDB_COMPAT_MACROS } from './duckdb-dialect.ts';
import { dedupedEventsView, EVENTS_EXTRA_COPIES_INDEX, lakeFingerprint, lakeViews } from './duckdb-lake-views.ts';
import { loadQuery, readQueryFile, type QueryIdentifiers } from './query-files.ts';
import { checkParameters, parameterNames } from './parameters.ts';

/** DuckDB's memory cap unless configured (`LIVELENS_DUCKDB_MEMORY_LIMIT`); spills to disk beyond it. */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '2GB';

export interface DuckDbEngineOptions {
  /** Root holding `lake/`; docs/spec.md's `LIVELENS_DATA_DIR`. */
  dataDir: string;
  /** The lake folder when it is not `<dataDir>/lake` (LIVELENS_LAKE set to a folder). */
  lakeDir?: string;
  /** DuckDB `memory_limit`, e.g. `1GB`, `512MB`. */
  memoryLimit?: string;
  /** DuckDB worker threads; DuckDB's default (all cores) when absent. */
  threads?: number;
  /** Where `queries/` lives (tests may point elsewhere). */
  queriesDir?: string;
  /** Where DuckDB spills beyond `memoryLimit`; default `<os tmp>/livelens-duckdb`. */
  tempDirectory?: string;
}


function columnType(type: DuckDBType): ColumnType {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR: return 'VARCHAR';
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UBIGINT: return 'BIGINT';
    case DuckDBTypeId.INTEGER: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.TINYINT: return 'INTEGER';
    case DuckDBTypeId.DOUBLE: case DuckDBTypeId.FLOAT: case DuckDBTypeId.DECIMAL: return 'DOUBLE';
    case DuckDBTypeId.BOOLEAN: return 'BOOLEAN';
    case DuckDBTypeId.DATE: return 'DATE';
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_TZ: return 'TIMESTAMP';
    default: return 'OTHER';
  }
}

/** A JS value from DuckDB as a plain SqlValue (BIGINTs become numbers while exact). */
function plainValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function bindingType(value: SqlValue): DuckDBType {
  if (typeof value === 'number') return Number.isInteger(value) ? BIGINT : DOUBLE;
  if (typeof value === 'boolean') return BOOLEAN;
  return VARCHAR;
}

function bindingValue(value: SqlValue): DuckDBValue {
  return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
}

/** Rows and column types of a finished DuckDB result. */
function collect(result: DuckDBResultReader): QueryResult {
  const names = result.columnNames();
  const columns: ColumnInfo[] = result.columnTypes().map((t, i) => ({ name: names[i]!, type: columnType(t) }));
  const rows = result.getRowsJS().map((values) => {
    const row: Row = {};
    columns.forEach((c, i) => { row[c.name] = plainValue(values[i]); });
    return row;
  });
  return { columns, rows };
}

export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;

  /** The lake state the views were built for; rebuilt when files land. */
  private viewsFingerprint: string | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: DuckDbEngineOptions,
  ) {}

  /** Opens an in-memory database configured for the lake under `options.dataDir`. */
  static async create(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
    const config: Record<string, string> = {
      memory_limit: options.memoryLimit ?? DEFAULT_DUCKDB_MEMORY_LIMIT,
      autoinstall_known_extensions: 'false',
      // Every report query states its ORDER BY; without this DuckDB keeps scan order through
      // every operator, which costs memory and parallelism on large scans.
      preserve_insertion_order: 'false',
      // Beyond memory_limit DuckDB spills here (its in-memory default is ./.tmp in the working directory).
      temp_directory: options.tempDirectory ?? path.join(os.tmpdir(), 'livelens-duckdb'),
    };
    if (options.threads !== undefined) config.threads = String(options.threads);
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    // TimeZone needs icu loaded first (statically linked, so LOAD reads nothing from disk or network).
    await connection.run('LOAD icu');
    await connection.run("SET TimeZone = 'UTC'");
    for (const macro of DUCKDB_COMPAT_MACROS) await connection.run(macro);
    const engine = new DuckDbEngine(instance, connection, options);
    await engine.refreshViews();
    return engine;
  }

  /**
   * (Re)creates the lake views when files have landed since the last query:
   * `lake_events`/`lake_orders` over the Parquet files, `orders` from
   * queries/views/orders.sql, and `events` (see EVENTS_EXTRA_COPIES_INDEX).
   */
  private async refreshViews(): Promise<void> {
    const fingerprint = lakeFingerprint(this.options.dataDir, this.options.lakeDir);
    if (fingerprint === this.viewsFingerprint) return;
    for (const sql of lakeViews(this.options.dataDir, this.options.lakeDir)) await this.connection.run(sql);
    await this.connection.run(`CREATE OR REPLACE VIEW orders AS\n${readQueryFile('views/orders', this.options.queriesDir)}`);
    await this.connection.run(EVENTS_EXTRA_COPIES_INDEX);
    const copies = await this.connection.runAndReadAll('SELECT count(*) AS n FROM events_extra_copies');
    await this.connection.run(dedupedEventsView(Number(copies.getRows()[0]![0]) > 0));
    this.viewsFingerprint = fingerprint;
  }

  async query(queryName: string, params: Record<string, SqlValue> = {}, identifiers: QueryIdentifiers = {}): Promise<QueryResult> {
    const sql = loadQuery(queryName, this.options.queriesDir, identifiers);
    checkParameters(queryName, sql, params);
    await this.refreshViews();
    const statement = await this.connection.prepare(sql);
    const used = parameterNames(sql);
    if (used.length > 0) {
      const values: Record<string, DuckDBValue> = {};
      const types: Record<string, DuckDBType> = {};
      for (const name of used) {
        values[name] = bindingValue(params[name]!);
        types[name] = bindingType(params[name]!);
      }
      statement.bind(values, types);
    }
    return collect(await statement.runAndReadAll());
  }

  async run(queryName: string, params: Record<string, SqlValue> = {}, identifiers: QueryIdentifiers = {}): Promise<Row[]> {
    return (await this.query(queryName, params, identifiers)).rows;
  }

  /** Runs raw SQL (benchmarks, fixtures); reports always go through `query`. */
  async exec(sql: string): Promise<void> {
    await this.refreshViews();
    await this.connection.run(sql);
  }

  /** Raw SQL returning rows (tests, benchmarks), over the same views as `query`. */
  async select(sql: string): Promise<QueryResult> {
    await this.refreshViews();
    return collect(await this.connection.runAndReadAll(sql));
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Opens the embedded DuckDB engine; see {@link DuckDbEngine.create}. */
export function createDuckDbEngine(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
  return DuckDbEngine.create(options);
}
