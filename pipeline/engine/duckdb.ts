/**
 * The embedded engine: an in-memory DuckDB over the local Parquet lake.
 * Timezone pinned to UTC, memory and threads bounded, no extension ever
 * downloaded (parquet, json and icu are built in). Report queries run at
 * once on up to `connections` connections of the one instance (DuckDB runs
 * them in parallel, sharing its threads and memory limit); the lake views
 * are built once per lake state, in one transaction, so a query sees either
 * the old views or the new ones, never a mix.
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
import { dedupedEventsView, EVENTS_COPIES_INDEX, EVENTS_EXTRA_COPIES_INDEX, lakeFingerprint, lakeViews } from './duckdb-lake-views.ts';
import { allRequiredQueries, loadQuery, readQueryFile, type QueryIdentifiers } from './query-files.ts';
import { MAX_SHARED_RESULTS, SharedResults } from './shared-results.ts';
import { checkParameters, parameterNames } from './parameters.ts';
import { ConnectionPool } from './connection-pool.ts';
import { ENGINE_PERIOD_VIEWS, withPartitionBounds, type PeriodView } from './partition-bounds.ts';
import { parquetScansOf, type ParquetScan } from './duckdb-scan-profile.ts';
import { LAKE_DIR } from '../../contract/lake.ts';

/** DuckDB's memory cap unless configured (`LIVELENS_DUCKDB_MEMORY_LIMIT`); spills to disk beyond it. */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '2GB';
/**
 * Report queries run at once unless configured. Each running query holds one
 * of Node's libuv worker threads (4 by default, shared with file I/O), so
 * three leave one for the server's own reads and writes.
 */
export const DEFAULT_DUCKDB_CONNECTIONS = 3;
/** Most connections one engine may open for queries at once. */
export const MAX_DUCKDB_CONNECTIONS = 16;

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
  /** Report queries run at once, each on its own connection (1..MAX_DUCKDB_CONNECTIONS); default DEFAULT_DUCKDB_CONNECTIONS. */
  connections?: number;
  /** Required queries whose results are shared per lake state and parameters; default SHARED_QUERIES, `[]` inlines every one (tests, benchmarks). */
  sharedQueries?: readonly string[];
  /** Views a statement carries (partition-bounds.ts); `ENGINE_PERIOD_VIEWS.athena` runs Athena's text (tests). */
  periodViews?: readonly PeriodView[];
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

/** Settings every connection of the instance runs first (TimeZone is per connection). */
async function prepareConnection(connection: DuckDBConnection): Promise<void> {
  // TimeZone needs icu loaded first (statically linked, so LOAD reads nothing from disk or network).
  await connection.run('LOAD icu');
  await connection.run("SET TimeZone = 'UTC'");
}

/**
 * Required queries computed once per lake state and parameters into a shared
 * table (shared-results.ts) that every statement requiring them reads: each
 * qoe-impact grouping (rebuffer, latency, startup) reads all of
 * qoe_impact_buckets, and the Quality view asks for the three at once.
 */
export const SHARED_QUERIES: readonly string[] = ['qoe_impact_buckets'];

/** What a materialized query may be named: a top-level file of queries/, used as a table name. */
const MATERIALIZABLE_NAME = /^[a-z][a-z0-9_]*$/;

/** Prepares `sql` on `connection`, binds the parameters it uses from `bound`, runs it and reads the result (profiled when asked). */
async function runBound<T>(
  connection: DuckDBConnection, sql: string, bound: Record<string, SqlValue>,
  read: (result: DuckDBResultReader) => Promise<T>, profile = false,
): Promise<T> {
  const statement = await connection.prepare(sql);
  const used = parameterNames(sql);
  if (used.length > 0) {
    const values: Record<string, DuckDBValue> = {};
    const types: Record<string, DuckDBType> = {};
    for (const name of used) {
      values[name] = bindingValue(bound[name]!);
      types[name] = bindingType(bound[name]!);
    }
    statement.bind(values, types);
  }
  if (!profile) return read(await statement.runAndReadAll());
  await connection.run("PRAGMA enable_profiling = 'json'");
  try {
    return await read(await statement.runAndReadAll());
  } finally {
    await connection.run('PRAGMA disable_profiling');
  }
}

export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;

  /** The lake state the views were built for; rebuilt when files land. */
  private viewsFingerprint: string | undefined;
  /** Work on the first connection (view builds, exec, select), one at a time. */
  private primaryQueue: Promise<unknown> = Promise.resolve();
  /** The connections report queries run on, at once. */
  private readonly pool: ConnectionPool<DuckDBConnection>;
  /** Bumped at every rebuild of the views: part of every shared result's key. */
  private lakeGeneration = 0;
  /** SHARED_QUERIES' results per lake state and parameters. */
  private readonly shared: SharedResults;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: DuckDbEngineOptions,
  ) {
    const connections = options.connections ?? DEFAULT_DUCKDB_CONNECTIONS;
    if (!Number.isInteger(connections) || connections < 1 || connections > MAX_DUCKDB_CONNECTIONS) {
      throw new Error(`DuckDB connections must be a whole number from 1 to ${MAX_DUCKDB_CONNECTIONS} (got ${connections})`);
    }
    this.pool = new ConnectionPool(connections, async () => {
      const con = await instance.connect();
      await prepareConnection(con);
      return con;
    }, (con) => con.closeSync());
    this.shared = new SharedResults(MAX_SHARED_RESULTS, async (table, name, key) => {
      const { sql, bound } = this.statement(name, JSON.parse(key).params as Record<string, SqlValue>, {});
      await this.pool.use((con) => runBound(con, `CREATE TABLE ${table} AS\n${sql}`, bound, async () => undefined));
    }, (table) => this.onPrimary((con) => con.run(`DROP TABLE IF EXISTS ${table}`)).then(() => undefined));
  }

  /** Opens an in-memory database configured for the lake under `options.dataDir`, its views built. */
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
    let engine: DuckDbEngine;
    try {
      await prepareConnection(connection);
      // Macros live in the database's catalog: every connection sees them.
      for (const macro of DUCKDB_COMPAT_MACROS) await connection.run(macro);
      engine = new DuckDbEngine(instance, connection, options);
    } catch (err) {
      connection.closeSync();
      instance.closeSync();
      throw err;
    }
    try {
      await engine.refreshViews();
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  /** Runs `work` on the first connection once earlier work there finished. */
  private onPrimary<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.primaryQueue.then(() => work(this.connection));
    this.primaryQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * (Re)creates the lake views when files have landed since they were built:
   * `lake_events`/`lake_orders` over the Parquet files, `orders` from
   * queries/views/orders.sql, and `events` (see EVENTS_EXTRA_COPIES_INDEX),
   * all in one transaction. Concurrent callers share one rebuild.
   * `orders` is a table computed once per lake state from that same SQL:
   * its dedupe (a window over every order line, the latest import winning)
   * was ~1/3 of each report reading orders at 10M events, and order lines
   * are few (5% of events in bench:scale's mix).
   */
  private async refreshViews(): Promise<void> {
    if (lakeFingerprint(this.options.dataDir, this.options.lakeDir) === this.viewsFingerprint) return;
    await this.onPrimary(async (con) => {
      // Listed again: files may have landed while this waited, or another caller rebuilt already.
      const fingerprint = lakeFingerprint(this.options.dataDir, this.options.lakeDir);
      if (fingerprint === this.viewsFingerprint) return;
      await con.run('BEGIN TRANSACTION');
      try {
        for (const sql of lakeViews(this.options.dataDir, this.options.lakeDir)) await con.run(sql);
        await con.run(`CREATE OR REPLACE TABLE orders AS\n${readQueryFile('views/orders', this.options.queriesDir)}`);
        await con.run(EVENTS_COPIES_INDEX);
        await con.run(EVENTS_EXTRA_COPIES_INDEX);
        const copies = await con.runAndReadAll('SELECT count(*) AS n FROM events_extra_copies');
        await con.run(dedupedEventsView(Number(copies.getRows()[0]![0]) > 0));
        await con.run('COMMIT');
      } catch (err) {
        await con.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
      this.viewsFingerprint = fingerprint;
      this.lakeGeneration += 1;
      this.shared.clear();
    });
  }

  async query(queryName: string, params: Record<string, SqlValue> = {}, identifiers: QueryIdentifiers = {}): Promise<QueryResult> {
    return this.runPrepared(queryName, params, identifiers, '', async (result) => collect(result));
  }

  /**
   * The Parquet scans DuckDB runs for a query (EXPLAIN ANALYZE): per scan,
   * the files it read out of those it considered, so partition pruning can
   * be checked and measured (tests, benchmarks).
   */
  async parquetScans(queryName: string, params: Record<string, SqlValue> = {}, identifiers: QueryIdentifiers = {}): Promise<ParquetScan[]> {
    return this.runPrepared(queryName, params, identifiers, 'EXPLAIN ANALYZE ', async (result) => parquetScansOf(JSON.parse(String(result.getRows()[0]![1]))), true, true);
  }

  /** The statement for a query (its `dt` bounds derived, parameters checked), leaving `materialized` required queries to their tables and reading `tables`' from theirs. */
  private statement(queryName: string, params: Record<string, SqlValue>, identifiers: QueryIdentifiers, materialized: readonly string[] = [], tables: Readonly<Record<string, string>> = {}) {
    const sql = loadQuery(queryName, this.options.queriesDir, identifiers, this.options.periodViews ?? ENGINE_PERIOD_VIEWS.duckdb, materialized, tables);
    const bound = withPartitionBounds(sql, params);
    checkParameters(queryName, sql, bound);
    return { sql, bound };
  }

  /** The key of each SHARED_QUERIES query `queryName` requires: this lake state and the parameters that query reads. */
  private sharedKeys(queryName: string, params: Record<string, SqlValue>): Record<string, string> {
    const keys: Record<string, string> = {};
    for (const dep of allRequiredQueries(queryName, this.options.queriesDir)) {
      if (!(this.options.sharedQueries ?? SHARED_QUERIES).includes(dep)) continue;
      const { sql, bound } = this.statement(dep, params, {});
      const used = Object.fromEntries(parameterNames(sql).map((name) => [name, bound[name]!]));
      keys[dep] = JSON.stringify({ lake: this.lakeGeneration, params: used });
    }
    return keys;
  }

  /**
   * Loads, checks and binds a query, runs it on a pooled connection and reads
   * the result with `read`; required SHARED_QUERIES are read from their shared
   * tables unless `inline` (a profile of the whole statement).
   */
  private async runPrepared<T>(
    queryName: string, params: Record<string, SqlValue>, identifiers: QueryIdentifiers, prefix: string,
    read: (result: DuckDBResultReader) => Promise<T>, profile = false, inline = false,
  ): Promise<T> {
    this.statement(queryName, params, identifiers);
    await this.refreshViews();
    const keys = inline ? {} : this.sharedKeys(queryName, params);
    return this.shared.use(keys, (tables) => {
      const { sql, bound } = this.statement(queryName, params, identifiers, [], tables);
      return this.pool.use((connection) => runBound(connection, prefix + sql, bound, read, profile));
    });
  }

  /**
   * Runs `work` on one pooled connection, held until it ends, with each of
   * `queryNames` computed once, in order, into a temporary table of that
   * name (seen by that connection only, so concurrent requests never share
   * one; dropped after; a later name reads the earlier tables). The queries
   * `work` runs through the engine it is given read the tables instead of
   * inlining the queries, one after another on that connection (each still
   * uses every DuckDB thread).
   */
  async withMaterialized<T>(queryNames: readonly string[], params: Record<string, SqlValue>, work: (engine: QueryEngine) => Promise<T>): Promise<T> {
    for (const queryName of queryNames) {
      if (!MATERIALIZABLE_NAME.test(queryName)) throw new Error(`query "${queryName}" cannot be materialized: only a top-level query file (lowercase letters, digits and _)`);
    }
    await this.refreshViews();
    return this.pool.use(async (connection) => {
      const made: string[] = [];
      let queue: Promise<unknown> = Promise.resolve();
      const onConnection = <R>(name: string, p: Record<string, SqlValue>, ids: QueryIdentifiers, read: (r: DuckDBResultReader) => Promise<R>): Promise<R> => {
        const statement = this.statement(name, p, ids, made);
        const next = queue.then(() => runBound(connection, statement.sql, statement.bound, read));
        queue = next.catch(() => undefined);
        return next;
      };
      const scoped: QueryEngine = {
        name: 'duckdb',
        query: (name, p = {}, ids = {}) => onConnection(name, p, ids, async (r) => collect(r)),
        run: async (name, p = {}, ids = {}) => (await onConnection(name, p, ids, async (r) => collect(r))).rows,
        close: async () => { throw new Error('the engine given to withMaterialized is closed with the engine that made it'); },
      };
      try {
        for (const queryName of queryNames) {
          const { sql, bound } = this.statement(queryName, params, {}, made);
          await runBound(connection, `CREATE OR REPLACE TEMPORARY TABLE ${queryName} AS\n${sql}`, bound, async () => undefined);
          made.push(queryName);
        }
        return await work(scoped);
      } finally {
        await queue;
        for (const queryName of made) await connection.run(`DROP TABLE IF EXISTS temp.${queryName}`);
      }
    });
  }

  async run(queryName: string, params: Record<string, SqlValue> = {}, identifiers: QueryIdentifiers = {}): Promise<Row[]> {
    return (await this.query(queryName, params, identifiers)).rows;
  }

  /** Runs raw SQL (benchmarks, fixtures) on the first connection (its temp tables stay there); reports always go through `query`. */
  async exec(sql: string): Promise<void> {
    await this.refreshViews();
    await this.onPrimary((con) => con.run(sql));
  }

  /** Raw SQL returning rows (tests, benchmarks), over the same views as `query`, on the first connection. */
  async select(sql: string): Promise<QueryResult> {
    await this.refreshViews();
    return this.onPrimary(async (con) => collect(await con.runAndReadAll(sql)));
  }

  /** Whether this engine's views read the lake folder `lakeDir` (callers sharing its views, e.g. data health). */
  readsLake(lakeDir: string): boolean {
    return path.resolve(this.options.lakeDir ?? path.join(this.options.dataDir, LAKE_DIR)) === path.resolve(lakeDir);
  }

  /** Connections opened for report queries so far (at most `connections`). */
  get queryConnections(): number {
    return this.pool.size;
  }

  /** Waits for the queries in flight, then closes every connection and the database. */
  async close(): Promise<void> {
    await this.pool.close();
    await this.primaryQueue;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Opens the embedded DuckDB engine; see {@link DuckDbEngine.create}. */
export function createDuckDbEngine(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
  return DuckDbEngine.create(options);
}
