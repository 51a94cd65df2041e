/**
 * The Athena setup (`livelens athena ddl [--create]`, docs/spec.md §5): the
 * Glue database, external tables `lake_events`, `lake_orders` and
 * `lake_dead_letters` over the Parquet lake on S3 (columns from the lake
 * contract; `dt` found by partition projection reaching tomorrow, since
 * events may be up to 5 minutes ahead, so no MSCK REPAIR is ever needed),
 * and the dedupe views `events` and `orders` from queries/views/ (the same
 * view text DuckDB uses).
 *
 * Idempotent: `CREATE DATABASE IF NOT EXISTS`, `CREATE EXTERNAL TABLE IF
 * NOT EXISTS` then `ALTER TABLE ... SET TBLPROPERTIES` (so a table created
 * by an older version gets today's projection), `CREATE OR REPLACE VIEW`.
 * Run it again after an upgrade; nothing is dropped and no data is touched.
 *
 * @example
 * athenaDdl({ lakeS3: 's3://my-bucket/livelens/lake', database: 'livelens' }).map((s) => s.sql)
 */
import { LAKE_EVENT_COLUMNS, LAKE_ORDER_COLUMNS, LAKE_TABLES } from '../../contract/lake.ts';
import { LAKE_DEAD_LETTER_COLUMNS } from '../ingest/lake-tables.ts';
import { parseS3Url } from '../lake/lake-location.ts';
import { readQueryFile } from './query-files.ts';

/** First day partition projection considers; earlier `dt` partitions are not read. */
export const ATHENA_PROJECTION_FIRST_DAY = '2024-01-01';
/**
 * Last day partition projection considers: tomorrow (UTC), because the
 * collector accepts events up to 5 minutes in the future, which near
 * midnight land in tomorrow's `dt`.
 */
export const ATHENA_PROJECTION_LAST_DAY = 'NOW+1DAYS';

/** The external tables: Athena name, lake folder, columns. */
export const ATHENA_LAKE_TABLES = [
  { name: 'lake_events', folder: LAKE_TABLES.events, columns: LAKE_EVENT_COLUMNS },
  { name: 'lake_orders', folder: LAKE_TABLES.orders, columns: LAKE_ORDER_COLUMNS },
  { name: 'lake_dead_letters', folder: LAKE_TABLES.deadLetters, columns: LAKE_DEAD_LETTER_COLUMNS },
] as const;

/** The dedupe views: Athena name and the queries/ file holding their SELECT. */
export const ATHENA_VIEWS = [
  { name: 'events', query: 'views/events' },
  { name: 'orders', query: 'views/orders' },
] as const;

const HIVE_TYPES: Record<string, string> = { VARCHAR: 'string', BIGINT: 'bigint', DOUBLE: 'double', BOOLEAN: 'boolean' };
/** Glue database names: lowercase letters, digits and underscores. */
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,254}$/;

export interface AthenaDdlStatement {
  /** What it creates, e.g. `table lake_events`. */
  object: string;
  sql: string;
  /** `catalog`: run without a database in the context (the database may not exist yet). */
  context: 'catalog' | 'database';
}

export interface AthenaDdlOptions {
  /** s3:// root of the lake, holding events/, orders/, dead_letters/. */
  lakeS3: string;
  /** Glue database; default `livelens`. */
  database?: string;
}

/** The table properties of partition projection on `dt` for a table at `location` (ending in `/`); also the Glue table's in deploy/. */
export function projectionTableProperties(location: string): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': `${ATHENA_PROJECTION_FIRST_DAY},${ATHENA_PROJECTION_LAST_DAY}`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'storage.location.template': `${location}dt=\${dt}/`,
  };
}

function projectionProperties(location: string): string[] {
  return Object.entries(projectionTableProperties(location)).map(([k, v]) => `'${k}' = '${v}'`);
}

/** Lake columns with their Athena (Hive) types, in order. */
export function athenaColumns(columns: Record<string, string>): Array<{ name: string; type: string }> {
  return Object.entries(columns).map(([name, type]) => {
    const hive = HIVE_TYPES[type];
    if (hive === undefined) throw new Error(`lake column ${name} has type ${type}, which has no Athena mapping`);
    return { name, type: hive };
  });
}

function externalTable(table: string, columns: Record<string, string>, location: string): string {
  const cols = athenaColumns(columns).map((c) => `  \`${c.name}\` ${c.type}`);
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${table} (`,
    cols.join(',\n'),
    ')',
    'PARTITIONED BY (`dt` string)',
    'STORED AS PARQUET',
    `LOCATION '${location}'`,
    'TBLPROPERTIES (',
    projectionProperties(location).map((p) => `  ${p}`).join(',\n'),
    ')',
  ].join('\n');
}

function setProjection(table: string, location: string): string {
  return [`ALTER TABLE ${table} SET TBLPROPERTIES (`, projectionProperties(location).map((p) => `  ${p}`).join(',\n'), ')'].join('\n');
}

/** Every setup statement, in the order they must run. */
export function athenaDdl(options: AthenaDdlOptions): AthenaDdlStatement[] {
  const root = parseS3Url(options.lakeS3, 'the lake location').url;
  const database = options.database ?? 'livelens';
  if (!DATABASE_NAME.test(database)) {
    throw new Error(`Athena database "${database}" is not allowed: use lowercase letters, digits and _ (Glue's rule), starting with a letter or _`);
  }
  const statements: AthenaDdlStatement[] = [
    { object: `database ${database}`, sql: `CREATE DATABASE IF NOT EXISTS \`${database}\``, context: 'catalog' },
  ];
  for (const t of ATHENA_LAKE_TABLES) {
    const location = `${root}/${t.folder}/`;
    statements.push({ object: `table ${t.name}`, sql: externalTable(t.name, t.columns, location), context: 'database' });
    statements.push({ object: `table ${t.name} projection`, sql: setProjection(t.name, location), context: 'database' });
  }
  for (const v of ATHENA_VIEWS) {
    statements.push({ object: `view ${v.name}`, sql: `CREATE OR REPLACE VIEW ${v.name} AS\n${readQueryFile(v.query)}`, context: 'database' });
  }
  return statements;
}

/** The statements' SQL texts, in order. */
export function athenaSetupStatements(lakeS3: string, database?: string): string[] {
  return athenaDdl({ lakeS3, database }).map((s) => s.sql);
}

/** The DDL as a script to paste into the Athena console: a header naming the database, each statement ending in `;`. */
export function athenaDdlScript(options: AthenaDdlOptions): string {
  const database = options.database ?? 'livelens';
  const header = [
    `-- livelens Athena setup for the lake at ${parseS3Url(options.lakeS3, 'the lake location').url}`,
    `-- Run the statements in order; after the first, with database ${database} selected`,
    '-- (or run `livelens athena ddl --create`). Safe to run again: nothing is dropped.',
  ].join('\n');
  return `${header}\n\n${athenaDdl(options).map((s) => `${s.sql};`).join('\n\n')}\n`;
}
