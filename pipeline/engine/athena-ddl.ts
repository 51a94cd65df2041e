/**
 * The one-time Athena setup: external tables `lake_events` and
 * `lake_orders` over the Parquet lake on S3 (columns from contract/lake.ts,
 * `dt` partitions found by partition projection, so no MSCK REPAIR is ever
 * needed), and the dedupe views `events` and `orders` from queries/views/ —
 * the same view text DuckDB uses.
 *
 * @example
 * // print the DDL: npx tsx pipeline/engine/athena-ddl.ts s3://my-bucket/livelens/lake
 * athenaSetupStatements('s3://my-bucket/livelens/lake');
 */
import { fileURLToPath } from 'node:url';
import { LAKE_EVENT_COLUMNS, LAKE_ORDER_COLUMNS, LAKE_TABLES } from '../../contract/lake.ts';
import { readQueryFile } from './query-files.ts';

/** First day partition projection considers; earlier `dt` partitions are not read. */
export const ATHENA_PROJECTION_FIRST_DAY = '2024-01-01';

const HIVE_TYPES: Record<string, string> = { VARCHAR: 'string', BIGINT: 'bigint', DOUBLE: 'double', BOOLEAN: 'boolean' };

function externalTable(table: string, folder: string, columns: Record<string, string>, lakeS3: string): string {
  const cols = Object.entries(columns).map(([name, type]) => {
    const hive = HIVE_TYPES[type];
    if (hive === undefined) throw new Error(`lake column ${name} has type ${type}, which has no Athena mapping`);
    return `  \`${name}\` ${hive}`;
  });
  const location = `${lakeS3}/${folder}/`;
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${table} (`,
    cols.join(',\n'),
    ')',
    'PARTITIONED BY (`dt` string)',
    'STORED AS PARQUET',
    `LOCATION '${location}'`,
    'TBLPROPERTIES (',
    "  'projection.enabled' = 'true',",
    "  'projection.dt.type' = 'date',",
    "  'projection.dt.format' = 'yyyy-MM-dd',",
    `  'projection.dt.range' = '${ATHENA_PROJECTION_FIRST_DAY},NOW',`,
    "  'projection.dt.interval' = '1',",
    "  'projection.dt.interval.unit' = 'DAYS',",
    `  'storage.location.template' = '${location}dt=\${dt}/'`,
    ')',
  ].join('\n');
}

/** DDL statements, in order: the two external tables, then the two views. */
export function athenaSetupStatements(lakeS3: string): string[] {
  if (!/^s3:\/\/[^'\s]+$/.test(lakeS3)) throw new Error(`lake location "${lakeS3}" must be an s3:// URL without quotes or spaces`);
  const root = lakeS3.replace(/\/+$/, '');
  return [
    externalTable('lake_events', LAKE_TABLES.events, LAKE_EVENT_COLUMNS, root),
    externalTable('lake_orders', LAKE_TABLES.orders, LAKE_ORDER_COLUMNS, root),
    `CREATE OR REPLACE VIEW events AS\n${readQueryFile('views/events')}`,
    `CREATE OR REPLACE VIEW orders AS\n${readQueryFile('views/orders')}`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lake = process.argv[2] ?? process.env.LIVELENS_LAKE_S3;
  if (!lake) {
    console.error('usage: npx tsx pipeline/engine/athena-ddl.ts s3://bucket/prefix/lake (or set LIVELENS_LAKE_S3)');
    process.exit(2);
  }
  console.log(athenaSetupStatements(lake).map((s) => `${s};`).join('\n\n'));
}
