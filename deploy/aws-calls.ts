/**
 * The AWS API calls each deployed part of livelens makes, written down
 * once. The CloudFormation generator (template.ts) grants each part's IAM
 * role exactly these actions on exactly these resources, deploy/README.md
 * prints the table, and deploy/template.test.ts checks the list against
 * the SDK commands the part's source files send (so a new call in code
 * without a grant here fails the test, and a grant no code needs does too).
 *
 * @example
 * PARTS.ingest.calls.map((c) => c.actions).flat() // ['kinesis:ListShards', ...]
 */

/** Stack resources a call may touch (template.ts turns each into ARNs). */
export type AwsResource =
  | 'eventsStream'
  | 'deadLetterStream'
  | 'lakeBucket'
  | 'lakeObjects'
  | 'resultsBucket'
  | 'resultsObjects'
  | 'athenaWorkgroup'
  | 'glueCatalog'
  | 'glueDatabase'
  | 'glueTables'
  | 'cloudwatchMetrics'
  | 'firehoseLambda'
  | 'firehoseLogs'
  | 'firehoseTransformLogs';

export interface AwsCall {
  /** The SDK command the code sends (`PutRecordsCommand`), or what calls on the part's behalf (`athena`, `lib-storage Upload`, `firehose`). */
  sdk: string;
  /** IAM actions the call needs. */
  actions: readonly string[];
  resource: AwsResource;
  /** `code`: the SDK command appears in the part's sources; otherwise why the action is needed. */
  why: 'code' | string;
}

export interface DeployedPart {
  /** What runs (the livelens command or AWS service). */
  runs: string;
  /** Source files whose SDK commands are this part's `code` calls (repository-relative). */
  sources: readonly string[];
  calls: readonly AwsCall[];
  /** Commands in `sources` this part never sends (a shared module's other uses), each with the reason; granted nothing. */
  unsent?: ReadonlyArray<{ sdk: string; why: string }>;
}

const kinesisRead = (resource: AwsResource): AwsCall[] => [
  { sdk: 'ListShardsCommand', actions: ['kinesis:ListShards'], resource, why: 'code' },
  { sdk: 'GetShardIteratorCommand', actions: ['kinesis:GetShardIterator'], resource, why: 'code' },
  { sdk: 'GetRecordsCommand', actions: ['kinesis:GetRecords'], resource, why: 'code' },
];

/** What Athena reads and writes with the caller's credentials when it runs a query. */
const athenaQuery: AwsCall[] = [
  { sdk: 'StartQueryExecutionCommand', actions: ['athena:StartQueryExecution'], resource: 'athenaWorkgroup', why: 'code' },
  { sdk: 'GetQueryExecutionCommand', actions: ['athena:GetQueryExecution'], resource: 'athenaWorkgroup', why: 'code' },
  { sdk: 'athena', actions: ['glue:GetDatabase', 'glue:GetTable'], resource: 'glueDatabase', why: 'Athena resolves the database with the caller\'s credentials' },
  { sdk: 'athena', actions: ['glue:GetTable'], resource: 'glueTables', why: 'Athena reads the table and view definitions with the caller\'s credentials' },
  { sdk: 'athena', actions: ['glue:GetDatabase'], resource: 'glueCatalog', why: 'Glue authorizes database reads on the catalog too' },
  { sdk: 'athena', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resource: 'lakeBucket', why: 'Athena lists the partitions it reads' },
  { sdk: 'athena', actions: ['s3:GetObject'], resource: 'lakeObjects', why: 'Athena reads the Parquet files' },
  { sdk: 'athena', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resource: 'resultsBucket', why: 'Athena writes results to the workgroup\'s location' },
  { sdk: 'athena', actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'], resource: 'resultsObjects', why: 'Athena writes and GetQueryResults reads the result files' },
];

export const PARTS = {
  collector: {
    runs: 'livelens serve on ECS Fargate behind the ALB (autoscaled on CPU): POST /v1/events to Kinesis',
    sources: ['collector/sinks/kinesis/index.ts'],
    calls: [
      { sdk: 'PutRecordsCommand', actions: ['kinesis:PutRecords'], resource: 'eventsStream', why: 'code' },
      { sdk: 'PutRecordsCommand', actions: ['kinesis:PutRecords'], resource: 'deadLetterStream', why: 'code' },
      { sdk: 'DescribeStreamSummaryCommand', actions: ['kinesis:DescribeStreamSummary'], resource: 'eventsStream', why: 'code' },
      { sdk: 'DescribeStreamSummaryCommand', actions: ['kinesis:DescribeStreamSummary'], resource: 'deadLetterStream', why: 'code' },
    ],
  },
  ingest: {
    runs: 'livelens ingest (one ECS Fargate task): the stream into the lake on S3, checkpoints beside it',
    sources: [
      'pipeline/ingest/run-ingest.ts', 'pipeline/ingest/shard-reader.ts', 'pipeline/ingest/shard-lineage.ts', 'pipeline/lake/s3-lake-store.ts',
    ],
    calls: [
      ...kinesisRead('eventsStream'),
      ...kinesisRead('deadLetterStream'),
      { sdk: 'DescribeStreamSummaryCommand', actions: ['kinesis:DescribeStreamSummary'], resource: 'eventsStream', why: 'code' },
      { sdk: 'DescribeStreamSummaryCommand', actions: ['kinesis:DescribeStreamSummary'], resource: 'deadLetterStream', why: 'code' },
      { sdk: 'ListObjectsV2Command', actions: ['s3:ListBucket'], resource: 'lakeBucket', why: 'code' },
      { sdk: 'GetObjectCommand', actions: ['s3:GetObject'], resource: 'lakeObjects', why: 'code' },
      { sdk: 'PutObjectCommand', actions: ['s3:PutObject'], resource: 'lakeObjects', why: 'code' },
      { sdk: 'DeleteObjectCommand', actions: ['s3:DeleteObject'], resource: 'lakeObjects', why: 'code' },
      { sdk: 'lib-storage Upload', actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resource: 'lakeObjects', why: 'multipart upload of a Parquet file (Create/UploadPart/Complete are s3:PutObject), aborted on failure' },
    ],
  },
  ordersImport: {
    runs: 'livelens orders import (an ECS task run on demand, or an operator assuming the role)',
    sources: ['pipeline/lake/s3-lake-store.ts'],
    calls: [
      { sdk: 'ListObjectsV2Command', actions: ['s3:ListBucket'], resource: 'lakeBucket', why: 'code' },
      { sdk: 'GetObjectCommand', actions: ['s3:GetObject'], resource: 'lakeObjects', why: 'code' },
      { sdk: 'PutObjectCommand', actions: ['s3:PutObject'], resource: 'lakeObjects', why: 'code' },
      { sdk: 'lib-storage Upload', actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resource: 'lakeObjects', why: 'multipart upload of a Parquet file' },
    ],
    unsent: [{ sdk: 'DeleteObjectCommand', why: 'LakeStore.remove: only ingest\'s recovery after a crash deletes lake files' }],
  },
  dashboard: {
    runs: 'livelens serve (one ECS Fargate task): dashboard and reports on Athena, the live view, alerts and the one CloudWatch publisher',
    sources: ['pipeline/engine/athena.ts', 'live/stream-reader.ts', 'pipeline/ingest/shard-lineage.ts', 'live/cloudwatch/publisher.ts'],
    calls: [
      ...athenaQuery,
      { sdk: 'GetQueryResultsCommand', actions: ['athena:GetQueryResults'], resource: 'athenaWorkgroup', why: 'code' },
      { sdk: 'StopQueryExecutionCommand', actions: ['athena:StopQueryExecution'], resource: 'athenaWorkgroup', why: 'code' },
      ...kinesisRead('eventsStream'),
      { sdk: 'PutMetricDataCommand', actions: ['cloudwatch:PutMetricData'], resource: 'cloudwatchMetrics', why: 'code' },
    ],
  },
  athenaSetup: {
    runs: 'livelens athena ddl --create (once after deploying, and after an upgrade)',
    sources: ['pipeline/engine/athena.ts'],
    calls: [
      ...athenaQuery,
      { sdk: 'athena DDL', actions: ['glue:CreateDatabase'], resource: 'glueDatabase', why: 'CREATE DATABASE IF NOT EXISTS' },
      { sdk: 'athena DDL', actions: ['glue:CreateDatabase'], resource: 'glueCatalog', why: 'CREATE DATABASE IF NOT EXISTS' },
      { sdk: 'athena DDL', actions: ['glue:CreateTable', 'glue:UpdateTable'], resource: 'glueTables', why: 'CREATE EXTERNAL TABLE IF NOT EXISTS, ALTER TABLE SET TBLPROPERTIES, CREATE OR REPLACE VIEW' },
      { sdk: 'athena DDL', actions: ['glue:CreateTable', 'glue:UpdateTable'], resource: 'glueDatabase', why: 'Glue authorizes table writes on the database too' },
      { sdk: 'athena DDL', actions: ['glue:CreateTable', 'glue:UpdateTable'], resource: 'glueCatalog', why: 'Glue authorizes table writes on the catalog too' },
    ],
  },
  firehose: {
    runs: 'Kinesis Data Firehose (the path with no consumer to run): the streams into the lake as Parquet',
    sources: [],
    calls: [
      { sdk: 'firehose', actions: ['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'], resource: 'eventsStream', why: 'Firehose reads its Kinesis source' },
      { sdk: 'firehose', actions: ['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'], resource: 'deadLetterStream', why: 'Firehose reads its Kinesis source' },
      { sdk: 'firehose', actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'], resource: 'glueTables', why: 'Parquet conversion reads the schema of the Glue table' },
      { sdk: 'firehose', actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'], resource: 'glueDatabase', why: 'Parquet conversion reads the schema of the Glue table' },
      { sdk: 'firehose', actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'], resource: 'glueCatalog', why: 'Parquet conversion reads the schema of the Glue table' },
      { sdk: 'firehose', actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], resource: 'lakeBucket', why: 'Firehose delivers to the lake bucket' },
      { sdk: 'firehose', actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'], resource: 'lakeObjects', why: 'Firehose writes Parquet files (and its error output)' },
      { sdk: 'firehose', actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'], resource: 'firehoseLambda', why: 'the transform that flattens events into lake rows' },
      { sdk: 'firehose', actions: ['logs:PutLogEvents'], resource: 'firehoseLogs', why: 'delivery errors to CloudWatch Logs' },
    ],
  },
  firehoseTransform: {
    runs: 'the Firehose transform Lambda (deploy/firehose-transform.ts): one event in, one flat lake row out',
    sources: ['deploy/firehose-transform.ts'],
    calls: [
      { sdk: 'lambda', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: 'firehoseTransformLogs', why: 'the Lambda runtime writes its logs' },
    ],
  },
} as const satisfies Record<string, DeployedPart>;

export type PartName = keyof typeof PARTS;

/** Every IAM action of a part, sorted, each once. */
export function partActions(part: PartName): string[] {
  return [...new Set(PARTS[part].calls.flatMap((c) => c.actions))].sort();
}

/** The part's actions grouped by resource (the statements of its role's policy). */
export function partGrants(part: PartName): Map<AwsResource, string[]> {
  const grants = new Map<AwsResource, Set<string>>();
  for (const call of PARTS[part].calls as readonly AwsCall[]) {
    const set = grants.get(call.resource) ?? new Set<string>();
    for (const a of call.actions) set.add(a);
    grants.set(call.resource, set);
  }
  return new Map([...grants].map(([r, s]) => [r, [...s].sort()]));
}

/** The SDK command names a part's sources must send (its `code` calls). */
export function partCodeCommands(part: PartName): string[] {
  return [...new Set((PARTS[part].calls as readonly AwsCall[]).filter((c) => c.why === 'code').map((c) => c.sdk))].sort();
}

/** The markdown table of every part's calls, as deploy/README.md shows it (regenerated by npm run deploy:template). */
export function callsTable(): string {
  const rows = ['| part | runs | IAM actions | on | why |', '|---|---|---|---|---|'];
  for (const [name, part] of Object.entries(PARTS) as Array<[PartName, DeployedPart]>) {
    let first = true;
    for (const [resource, actions] of partGrants(name)) {
      const runs = first ? part.runs.replaceAll('|', '\\|') : '';
      first = false;
      const whys = [...new Set(part.calls.filter((c) => c.resource === resource).map((c) => (c.why === 'code' ? `\`${c.sdk}\`` : c.why)))].join('; ');
      rows.push(`| ${name} | ${runs} | ${actions.map((a) => `\`${a}\``).join(', ')} | ${resource} | ${whys} |`);
    }
  }
  return rows.join('\n');
}

/** Markers around the generated table in deploy/README.md. */
export const CALLS_TABLE_BEGIN = '<!-- generated by npm run deploy:template: begin -->';
export const CALLS_TABLE_END = '<!-- generated by npm run deploy:template: end -->';
