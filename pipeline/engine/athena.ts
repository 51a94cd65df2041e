/**
 * Amazon Athena engine: the same queries/*.sql text, named parameters mapped
 * to Athena's positional `ExecutionParameters` (parameters.ts), results read
 * page by page and converted by Athena's column metadata.
 *
 * @example
 * const engine = createAthenaEngine(athenaConfigFrom(resolveSettings(ATHENA_SETTINGS)));
 * const rows = await engine.run('conversion_by_group', { from_ms, to_ms, retailer_id: '', creator_id: '', show_id: '', region: '', window_ms: 86_400_000 }, { group: 'show_id' });
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { ColumnInfo as AthenaColumnInfo, Row as AthenaRow, StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import type { ColumnInfo, ColumnType, QueryEngine, QueryResult, Row, SqlValue } from './engine.ts';
import type { AthenaConfig } from './athena-config.ts';
import { athenaDdl } from './athena-ddl.ts';
import { loadQuery, QUERIES_DIR, type QueryIdentifiers } from './query-files.ts';
import { checkParameters, toPositional } from './parameters.ts';
import { ENGINE_PERIOD_VIEWS, withPartitionBounds } from './partition-bounds.ts';

/** First wait between GetQueryExecution polls; doubles up to the maximum. */
export const ATHENA_POLL_INITIAL_MS = 250;
export const ATHENA_POLL_MAX_MS = 5_000;
/** A query still running after this long is stopped and reported as timed out. */
export const ATHENA_QUERY_TIMEOUT_MS = 10 * 60_000;
/** Rows per GetQueryResults page (Athena's maximum). */
export const ATHENA_PAGE_ROWS = 1000;

const TYPE_MAP: Record<string, ColumnType> = {
  varchar: 'VARCHAR', char: 'VARCHAR', string: 'VARCHAR', json: 'VARCHAR',
  bigint: 'BIGINT',
  integer: 'INTEGER', int: 'INTEGER', smallint: 'INTEGER', tinyint: 'INTEGER',
  double: 'DOUBLE', real: 'DOUBLE', float: 'DOUBLE', decimal: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP', 'timestamp with time zone': 'TIMESTAMP',
};

/** Athena's type name (`varchar`, `decimal(10,2)`, ...) in the engines' shared vocabulary. */
export function athenaColumnType(type: string | undefined): ColumnType {
  const base = (type ?? '').toLowerCase().replace(/\(.*$/, '').trim();
  return TYPE_MAP[base] ?? 'OTHER';
}

/** One Athena cell (always text, absent for NULL) as a typed value. */
export function athenaValue(text: string | undefined, type: ColumnType): SqlValue {
  if (text === undefined) return null;
  switch (type) {
    case 'BIGINT': case 'INTEGER': {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : text;
    }
    case 'DOUBLE': return Number(text);
    case 'BOOLEAN': return text === 'true';
    default: return text;
  }
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class AthenaEngine implements QueryEngine {
  readonly name = 'athena' as const;

  constructor(
    private readonly client: AthenaClient,
    private readonly config: AthenaConfig,
    private readonly sleep: Sleep = realSleep,
    private readonly now: () => number = Date.now,
  ) {}

  async query(queryName: string, params: Record<string, SqlValue> = {}, identifiers: QueryIdentifiers = {}): Promise<QueryResult> {
    const sql = loadQuery(queryName, QUERIES_DIR, identifiers, ENGINE_PERIOD_VIEWS.athena);
    params = withPartitionBounds(sql, params);
    checkParameters(queryName, sql, params);
    const positional = toPositional(sql, params);
    return this.execute(positional.sql, positional.values);
  }

  async run(queryName: string, params: Record<string, SqlValue> = {}, identifiers: QueryIdentifiers = {}): Promise<Row[]> {
    return (await this.query(queryName, params, identifiers)).rows;
  }

  /**
   * Creates (or brings up to date) the database, lake tables and dedupe
   * views; idempotent (athena-ddl.ts). Returns each statement's query id.
   */
  async setup(): Promise<Array<{ object: string; query_execution_id: string }>> {
    if (this.config.lakeS3 === undefined) {
      throw new Error('Athena setup needs the lake on S3: set LIVELENS_LAKE (or the older LIVELENS_LAKE_S3) to s3://bucket/prefix');
    }
    const done: Array<{ object: string; query_execution_id: string }> = [];
    for (const s of athenaDdl({ lakeS3: this.config.lakeS3, database: this.config.database })) {
      done.push({ object: s.object, query_execution_id: await this.startAndWait(s.sql, [], s.context === 'database') });
    }
    return done;
  }

  /** Starts one statement, waits for it, and reads every result page. */
  async execute(sql: string, values: string[]): Promise<QueryResult> {
    return this.readResults(await this.startAndWait(sql, values, true));
  }

  /** Starts one statement (in the configured database, or with `inDatabase` false only the catalog) and waits for it. */
  private async startAndWait(sql: string, values: string[], inDatabase: boolean): Promise<string> {
    const input: StartQueryExecutionCommandInput = {
      QueryString: sql,
      WorkGroup: this.config.workgroup,
      QueryExecutionContext: inDatabase ? { Database: this.config.database, Catalog: this.config.catalog } : { Catalog: this.config.catalog },
    };
    // Athena refuses an empty ExecutionParameters list.
    if (values.length > 0) input.ExecutionParameters = values;
    if (this.config.outputLocation !== undefined) input.ResultConfiguration = { OutputLocation: this.config.outputLocation };
    const started = await this.client.send(new StartQueryExecutionCommand(input));
    const id = started.QueryExecutionId;
    if (id === undefined) throw new Error('Athena StartQueryExecution returned no QueryExecutionId');
    await this.waitForSuccess(id);
    return id;
  }

  private async waitForSuccess(id: string): Promise<void> {
    const deadline = this.now() + ATHENA_QUERY_TIMEOUT_MS;
    let wait = ATHENA_POLL_INITIAL_MS;
    for (;;) {
      const { QueryExecution } = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = QueryExecution?.Status?.StateChangeReason ?? 'no reason given';
        throw new Error(`Athena query ${id} ${state.toLowerCase()}: ${reason}`);
      }
      if (this.now() >= deadline) {
        await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
        throw new Error(`Athena query ${id} still ${state ?? 'pending'} after ${ATHENA_QUERY_TIMEOUT_MS} ms: stopped`);
      }
      await this.sleep(wait);
      wait = Math.min(wait * 2, ATHENA_POLL_MAX_MS);
    }
  }

  private async readResults(id: string): Promise<QueryResult> {
    let columns: ColumnInfo[] | undefined;
    const rows: Row[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: ATHENA_PAGE_ROWS, NextToken: token }));
      columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c: AthenaColumnInfo) => ({
        name: c.Name ?? '',
        type: athenaColumnType(c.Type),
      }));
      let data: AthenaRow[] = page.ResultSet?.Rows ?? [];
      // The first row of a SELECT's first page repeats the column names.
      if (first && columns.length > 0 && data.length > 0) data = data.slice(1);
      first = false;
      for (const r of data) {
        const row: Row = {};
        columns.forEach((c, i) => { row[c.name] = athenaValue(r.Data?.[i]?.VarCharValue, c.type); });
        rows.push(row);
      }
      token = page.NextToken;
    } while (token !== undefined);
    return { columns: columns ?? [], rows };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** An Athena engine in the config's region (else the SDK's default chain), on the SDK's default credentials. */
export function createAthenaEngine(config: AthenaConfig, client: AthenaClient = new AthenaClient(config.region ? { region: config.region } : {})): AthenaEngine {
  return new AthenaEngine(client, config);
}
