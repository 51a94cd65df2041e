import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { GetQueryResultsCommandOutput } from '@aws-sdk/client-athena';
import { AthenaEngine, ATHENA_PAGE_ROWS, ATHENA_QUERY_TIMEOUT_MS, athenaColumnType, athenaValue } from './athena.ts';
import { ATHENA_SETTINGS, athenaConfigFrom, requireAwsRegion } from './athena-config.ts';
import { resolveSettings } from '../../config/settings.ts';
import { loadQuery, QUERIES_DIR } from './query-files.ts';

const athena = mockClient(AthenaClient);
afterEach(() => athena.reset());

const config = { workgroup: 'analytics', database: 'livelens', catalog: 'AwsDataCatalog', outputLocation: 's3://results-bucket/livelens/' };
const noSleep = async () => {};

const cell = (v?: string) => (v === undefined ? {} : { VarCharValue: v });
const columns = [
  { Name: 'retailer_id', Type: 'varchar' }, { Name: 'creator_id', Type: 'varchar' }, { Name: 'currency', Type: 'varchar' },
  { Name: 'viewers', Type: 'bigint' }, { Name: 'revenue', Type: 'double' }, { Name: 'big', Type: 'bigint' }, { Name: 'flag', Type: 'boolean' },
];
function page(rows: Array<Array<string | undefined>>, nextToken?: string, withHeader = false): Partial<GetQueryResultsCommandOutput> {
  const header = { Data: columns.map((c) => cell(c.Name)) };
  return {
    ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [...(withHeader ? [header] : []), ...rows.map((r) => ({ Data: r.map(cell) }))] },
    NextToken: nextToken,
  };
}

describe('AthenaEngine', () => {
  it('sends the query file with positional parameters, polls, pages and converts types', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined })
      .resolves(page([['r1', "c'1", 'USD', '12', '31.5', '9007199254740993', 'true']], 'token-2', true));
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'token-2' })
      .resolves(page([['r1', 'c2', undefined, '3', '0', '1', 'false']]));

    const engine = new AthenaEngine(new AthenaClient({ region: 'eu-west-1' }), config, noSleep);
    const params = { from_ms: 1_793_491_200_000, to_ms: 1_793_577_600_000, retailer_id: "o'brien", creator_id: '', show_id: 's1', region: '', window_ms: 86_400_000 };
    const result = await engine.query('conversion_by_group', params, { group: 'creator_id' });

    const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    // The file with its partition-bounded events and orders views (partition-bounds.ts) as leading CTEs.
    const file = loadQuery('conversion_by_group', QUERIES_DIR, { group: 'creator_id' }, ['events', 'orders']);
    expect(file).toMatch(/^WITH events AS \(/m);
    // Exactly the file, each $name outside comments replaced by ?, values in the order of the ?s.
    const PARAM = /\$(from_ms|to_ms|retailer_id|creator_id|show_id|region|window_ms|from_dt|to_dt|scan_from_dt|scan_to_dt|dedupe_from_dt|dedupe_to_dt|copy_from_ms|copy_to_ms)\b/g;
    const isComment = (line: string) => line.trim().startsWith('--');
    const lines = file.split('\n');
    expect(start.QueryString).toBe(lines.map((l) => (isComment(l) ? l : l.replace(PARAM, '?'))).join('\n'));
    // The predicate placeholders (query-predicates.ts) arrive expanded, as in the DuckDB text.
    expect(start.QueryString).not.toContain('{{');
    expect(start.QueryString).toContain("    AND (? = '' OR creator_id = ?)\n    AND (? = '' OR show_id = ?)\n    AND (? = '' OR region = ?)\n");
    const order = lines.filter((l) => !isComment(l)).flatMap((l) => [...l.matchAll(PARAM)].map((m) => m[1]!));
    expect(order.length).toBeGreaterThan(10);
    const literal: Record<string, string> = {
      from_ms: '1793491200000', to_ms: '1793577600000', retailer_id: "'o''brien'", creator_id: "''", show_id: "'s1'", region: "''", window_ms: '86400000',
      // [2026-11-01, 2026-11-02): one day read in full, its neighbours for the dedupe columns only.
      from_dt: "'2026-11-01'", to_dt: "'2026-11-01'", scan_from_dt: "'2026-11-01'", scan_to_dt: "'2026-11-01'", dedupe_from_dt: "'2026-10-31'", dedupe_to_dt: "'2026-11-02'",
      // An hour either side of the day, for earlier copies of its events.
      copy_from_ms: String(1_793_491_200_000 - 3_600_000), copy_to_ms: String(1_793_577_600_000 + 3_600_000),
    };
    expect(start.ExecutionParameters).toEqual(order.map((n) => literal[n]));
    expect(start.WorkGroup).toBe('analytics');
    expect(start.QueryExecutionContext).toEqual({ Database: 'livelens', Catalog: 'AwsDataCatalog' });
    expect(start.ResultConfiguration).toEqual({ OutputLocation: 's3://results-bucket/livelens/' });

    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
    const pages = athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
    expect(pages).toEqual([
      { QueryExecutionId: 'q-1', MaxResults: ATHENA_PAGE_ROWS, NextToken: undefined },
      { QueryExecutionId: 'q-1', MaxResults: ATHENA_PAGE_ROWS, NextToken: 'token-2' },
    ]);
    expect(result.columns).toEqual([
      { name: 'retailer_id', type: 'VARCHAR' }, { name: 'creator_id', type: 'VARCHAR' }, { name: 'currency', type: 'VARCHAR' },
      { name: 'viewers', type: 'BIGINT' }, { name: 'revenue', type: 'DOUBLE' }, { name: 'big', type: 'BIGINT' }, { name: 'flag', type: 'BOOLEAN' },
    ]);
    expect(result.rows).toEqual([
      // The header row of the first page is dropped; an unsafe BIGINT stays text rather than lose digits.
      { retailer_id: 'r1', creator_id: "c'1", currency: 'USD', viewers: 12, revenue: 31.5, big: '9007199254740993', flag: true },
      { retailer_id: 'r1', creator_id: 'c2', currency: null, viewers: 3, revenue: 0, big: 1, flag: false },
    ]);
  });

  it('reports a failed query with Athena\'s reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND: events' } } });
    const engine = new AthenaEngine(new AthenaClient({ region: 'eu-west-1' }), config, noSleep);
    await expect(engine.run('qoe_by_group', { from_ms: 0, to_ms: 1, retailer_id: '', creator_id: '', show_id: '', region: '' }, { group: 'region' })).rejects.toThrow('Athena query q-2 failed: TABLE_NOT_FOUND: events');
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('stops a query that outlives the timeout', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    let clock = 0;
    const engine = new AthenaEngine(new AthenaClient({ region: 'eu-west-1' }), config, async (ms) => { clock += ms; }, () => clock);
    await expect(engine.run('qoe_by_group', { from_ms: 0, to_ms: 1, retailer_id: '', creator_id: '', show_id: '', region: '' }, { group: 'region' })).rejects.toThrow(/still RUNNING after 600000 ms/);
    expect(clock).toBeGreaterThanOrEqual(ATHENA_QUERY_TIMEOUT_MS);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]!.args[0].input).toEqual({ QueryExecutionId: 'q-3' });
  });

  it('runs the setup DDL: database, three external tables with their projection, then the dedupe views; twice gives the same calls', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'ddl' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const engine = new AthenaEngine(new AthenaClient({ region: 'eu-west-1' }), { ...config, lakeS3: 's3://lake-bucket/livelens/lake' }, noSleep);
    const done = await engine.setup();
    const sent = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(sent.map((s) => s.QueryString!.split('\n')[0])).toEqual([
      'CREATE DATABASE IF NOT EXISTS `livelens`',
      'CREATE EXTERNAL TABLE IF NOT EXISTS lake_events (',
      'ALTER TABLE lake_events SET TBLPROPERTIES (',
      'CREATE EXTERNAL TABLE IF NOT EXISTS lake_orders (',
      'ALTER TABLE lake_orders SET TBLPROPERTIES (',
      'CREATE EXTERNAL TABLE IF NOT EXISTS lake_dead_letters (',
      'ALTER TABLE lake_dead_letters SET TBLPROPERTIES (',
      'CREATE OR REPLACE VIEW events AS',
      'CREATE OR REPLACE VIEW orders AS',
    ]);
    expect(done.map((d) => d.object)).toEqual([
      'database livelens', 'table lake_events', 'table lake_events projection', 'table lake_orders', 'table lake_orders projection',
      'table lake_dead_letters', 'table lake_dead_letters projection', 'view events', 'view orders',
    ]);
    // The database may not exist yet: its CREATE runs with the catalog only; the rest inside it.
    expect(sent[0]!.QueryExecutionContext).toEqual({ Catalog: 'AwsDataCatalog' });
    expect(sent.slice(1).every((s) => s.QueryExecutionContext?.Database === 'livelens')).toBe(true);
    expect(sent.every((s) => s.WorkGroup === 'analytics' && s.ResultConfiguration?.OutputLocation === 's3://results-bucket/livelens/')).toBe(true);
    expect(sent[1]!.QueryString).toContain("LOCATION 's3://lake-bucket/livelens/lake/events/'");
    expect(sent[1]!.QueryString).toContain("'storage.location.template' = 's3://lake-bucket/livelens/lake/events/dt=${dt}/'");
    expect(sent[1]!.QueryString).toContain("'projection.dt.range' = '2024-01-01,NOW+1DAYS'");
    expect(sent[3]!.QueryString).toContain('`imported_at` bigint');
    expect(sent[5]!.QueryString).toContain("LOCATION 's3://lake-bucket/livelens/lake/dead_letters/'");
    expect(sent.every((s) => s.ExecutionParameters === undefined)).toBe(true);
    // DDL has no rows to read.
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);

    await engine.setup();
    const again = athena.commandCalls(StartQueryExecutionCommand).slice(sent.length).map((c) => c.args[0].input);
    expect(again).toEqual(sent);
  });

  it('setup without an S3 lake names the settings', async () => {
    const engine = new AthenaEngine(new AthenaClient({ region: 'eu-west-1' }), config, noSleep);
    await expect(engine.setup()).rejects.toThrow(/set LIVELENS_LAKE \(or the older LIVELENS_LAKE_S3\) to s3:\/\/bucket\/prefix/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});

describe('Athena types and settings', () => {
  it('maps Athena type names and cells', () => {
    expect(['varchar', 'bigint', 'integer', 'double', 'decimal(10,2)', 'boolean', 'date', 'array(varchar)'].map(athenaColumnType))
      .toEqual(['VARCHAR', 'BIGINT', 'INTEGER', 'DOUBLE', 'DOUBLE', 'BOOLEAN', 'DATE', 'OTHER']);
    expect(athenaValue(undefined, 'DOUBLE')).toBeNull();
    expect(athenaValue('NaN', 'DOUBLE')).toBeNaN();
    expect(athenaValue('2026-11-01', 'DATE')).toBe('2026-11-01');
  });

  it('builds its config from the resolved settings and refuses a malformed S3 URL', () => {
    const athenaConfig = (env: NodeJS.ProcessEnv, flags: Record<string, unknown> = {}) => athenaConfigFrom(resolveSettings(ATHENA_SETTINGS, flags, env));
    expect(athenaConfig({ LIVELENS_ATHENA_OUTPUT: 's3://out-bucket/x/', LIVELENS_LAKE_S3: 's3://lake-bucket/lake/' }, { awsRegion: 'eu-west-1' })).toEqual({
      region: 'eu-west-1', workgroup: 'primary', database: 'livelens', catalog: 'AwsDataCatalog', outputLocation: 's3://out-bucket/x/', lakeS3: 's3://lake-bucket/lake',
    });
    expect(() => athenaConfig({ LIVELENS_LAKE_S3: "s3://bucket/x' OR 1=1" })).toThrow(/LIVELENS_LAKE_S3=.* is not an s3:\/\/ URL/);
    expect(() => athenaConfig({ LIVELENS_ATHENA_OUTPUT: 'bucket/x' })).toThrow(
      '--athena-output must be an s3:// URL (s3://bucket/prefix, no quotes or spaces); got "bucket/x" from LIVELENS_ATHENA_OUTPUT',
    );
    // LIVELENS_LAKE is the one setting; LIVELENS_LAKE_S3 its older name, and LIVELENS_LAKE wins (its flag too).
    expect(athenaConfig({ LIVELENS_LAKE: 's3://new-lake/p/', LIVELENS_LAKE_S3: 's3://old-lake/q' }).lakeS3).toBe('s3://new-lake/p');
    expect(athenaConfig({ LIVELENS_LAKE: 's3://env-lake/p' }, { lake: 's3://flag-lake/p' }).lakeS3).toBe('s3://flag-lake/p');
    expect(athenaConfig({ LIVELENS_LAKE: '/srv/lake', LIVELENS_LAKE_S3: 's3://old-lake/q' }).lakeS3).toBeUndefined();
    expect(() => athenaConfig({ LIVELENS_LAKE: 'gs://bucket/x' })).toThrow(/LIVELENS_LAKE="gs:\/\/bucket\/x" is neither a folder nor an s3:\/\/ URL/);
  });
});

describe('requireAwsRegion', () => {
  it('names what to set when the SDK would find no region', () => {
    expect(() => requireAwsRegion(undefined, {}, '/nonexistent-home')).toThrow(/needs an AWS region: set AWS_REGION \(or --aws-region\)/);
    expect(() => requireAwsRegion('eu-west-1', {}, '/nonexistent-home')).not.toThrow();
    expect(() => requireAwsRegion(undefined, { AWS_REGION: 'eu-west-1' }, '/nonexistent-home')).not.toThrow();
    expect(() => requireAwsRegion(undefined, { AWS_DEFAULT_REGION: 'eu-west-1' }, '/nonexistent-home')).not.toThrow();
  });
});
