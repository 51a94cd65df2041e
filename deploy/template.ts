/**
 * The CloudFormation stack of livelens at AWS scale, generated (so the IAM
 * grants come from deploy/aws-calls.ts and the Glue tables from the lake
 * contract): `npm run deploy:template` writes deploy/livelens.template.json,
 * and a test checks the file equals this output.
 *
 * Resources: the events and dead-letter Kinesis streams; the lake bucket
 * (lifecycle rules) and the Athena results bucket; the Glue database and
 * the three lake tables (partition projection, as `livelens athena ddl`);
 * the Athena workgroup with a bytes-scanned limit per query; the collector
 * as an ECS Fargate service behind an ALB, autoscaled on CPU; the ingest
 * service (one task); the dashboard service (one task: Athena reports, live
 * view, the one CloudWatch publisher); task definitions for `orders import`
 * and `athena ddl --create`; optional Firehose delivery streams (events and
 * dead letters) with their transform Lambda; CloudWatch alarms; and one
 * least-privilege IAM role per part.
 *
 * @example
 * npm run deploy:template   # writes deploy/livelens.template.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { LAKE_EVENT_COLUMNS, LAKE_ORDER_COLUMNS, LAKE_TABLES } from '../contract/lake.ts';
import { LAKE_DEAD_LETTER_COLUMNS } from '../pipeline/ingest/lake-tables.ts';
import { athenaColumns, projectionTableProperties } from '../pipeline/engine/athena-ddl.ts';
import { CALLS_TABLE_BEGIN, CALLS_TABLE_END, callsTable, partGrants, PARTS, type AwsResource, type PartName } from './aws-calls.ts';
import { ALARM_EVALUATION_PERIODS, MAX_COLLECTOR_5XX_PER_MINUTE, MAX_INGEST_LAG_MS } from './alarms.ts';
import { cloudWatchAlarmResources } from '../live/cloudwatch/alarms.ts';
import { DEFAULT_ALERT_MIN_VIEWERS, DEFAULT_ALERT_RULES, parseAlertRules } from '../live/alerts/rules.ts';

/** The publisher's interval in the stack (docs/spec.md §9 default). */
export const CLOUDWATCH_INTERVAL_S = 60;
/** Namespace the product alarms watch: the stack's MetricsNamespace default (alarm names and queries are fixed at generation). */
export const METRICS_NAMESPACE = 'livelens';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const TEMPLATE_PATH = fileURLToPath(new URL('./livelens.template.json', import.meta.url));
export const README_PATH = fileURLToPath(new URL('./README.md', import.meta.url));

/** deploy/README.md with its generated calls table replaced by today's. */
export function readmeWithCallsTable(readme: string): string {
  const begin = readme.indexOf(CALLS_TABLE_BEGIN);
  const end = readme.indexOf(CALLS_TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`${README_PATH} lacks the markers ${CALLS_TABLE_BEGIN} ... ${CALLS_TABLE_END}`);
  return `${readme.slice(0, begin + CALLS_TABLE_BEGIN.length)}\n${callsTable()}\n${readme.slice(end)}`;
}

/** Key prefix of the lake in its bucket (LIVELENS_LAKE = s3://<bucket>/lake). */
export const LAKE_PREFIX = 'lake';
/** Container port of `livelens serve`. */
export const CONTAINER_PORT = 8787;
/** Collector CPU target of the autoscaling policy (percent of the task's CPU). */
export const COLLECTOR_CPU_TARGET_PERCENT = 60;
/** Collector task size (Fargate units: 1024 = one vCPU; MiB). */
export const COLLECTOR_TASK_CPU = 1024;
export const COLLECTOR_TASK_MEMORY_MIB = 2048;
/** Ingest and dashboard task sizes (DuckDB writer memory is capped at 512 MB). */
export const INGEST_TASK_CPU = 1024;
export const INGEST_TASK_MEMORY_MIB = 2048;
/** Kinesis retention (hours): what ingest can catch up on after an outage. */
export const STREAM_RETENTION_HOURS = 24;
/** Lake lifecycle: lake files move to Infrequent Access after this many days; expired Athena results after this many. */
export const LAKE_INFREQUENT_ACCESS_DAYS = 30;
export const ATHENA_RESULTS_EXPIRE_DAYS = 7;
/** Incomplete multipart uploads (a crashed ingest) are aborted after this many days. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;
/** Firehose buffering: the largest buffer (MiB) and interval (s) Parquet conversion allows, for few large files. */
export const FIREHOSE_BUFFER_MIB = 128;
export const FIREHOSE_BUFFER_SECONDS = 300;
/** Logs kept (days). */
export const LOG_RETENTION_DAYS = 30;
/**
 * Athena's bytes-scanned limit per query, default (bytes): 32 GiB, above the
 * largest one-day report of a 1,000,000-viewer show in its worst case
 * (docs/scale.md: 25.3 GiB with the dt bounds) and far below a month read
 * whole, so a query without bounds is stopped (at most $0.16).
 */
export const DEFAULT_ATHENA_BYTES_SCANNED_CUTOFF = 32 * 1024 ** 3;

const ref = (name: string): Json => ({ Ref: name });
const getAtt = (name: string, attr: string): Json => ({ 'Fn::GetAtt': [name, attr] });
const sub = (text: string): Json => ({ 'Fn::Sub': text });
const lakeUrl = `s3://\${LakeBucket}/${LAKE_PREFIX}`;

/** ARNs of each resource a call may touch. */
function resourceArns(r: AwsResource): Json[] {
  switch (r) {
    case 'eventsStream': return [getAtt('EventsStream', 'Arn')];
    case 'deadLetterStream': return [getAtt('DeadLetterStream', 'Arn')];
    case 'lakeBucket': return [getAtt('LakeBucket', 'Arn')];
    case 'lakeObjects': return [sub('${LakeBucket.Arn}/*')];
    case 'resultsBucket': return [getAtt('AthenaResultsBucket', 'Arn')];
    case 'resultsObjects': return [sub('${AthenaResultsBucket.Arn}/*')];
    case 'athenaWorkgroup': return [sub('arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/${AthenaWorkGroup}')];
    case 'glueCatalog': return [sub('arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog')];
    case 'glueDatabase': return [sub('arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/${GlueDatabase}')];
    case 'glueTables': return [sub('arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/${GlueDatabase}/*')];
    // PutMetricData has no resource ARN; the policy limits it to the namespace instead (see policyFor).
    case 'cloudwatchMetrics': return ['*'];
    case 'firehoseLambda': return [getAtt('FirehoseTransformFunction', 'Arn')];
    case 'firehoseLogs': return [sub('${FirehoseLogGroup.Arn}')];
    case 'firehoseTransformLogs': return [sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${AWS::StackName}-firehose-transform:*')];
  }
}

/** The inline policy of a part: one statement per resource, only the part's actions. */
export function policyFor(part: PartName): Json {
  const statements: Json[] = [];
  for (const [resource, actions] of partGrants(part)) {
    const statement: { [key: string]: Json } = { Sid: resource, Effect: 'Allow', Action: actions, Resource: resourceArns(resource) };
    if (resource === 'cloudwatchMetrics') statement.Condition = { StringEquals: { 'cloudwatch:namespace': ref('MetricsNamespace') } };
    statements.push(statement);
  }
  return { PolicyName: `livelens-${part}`, PolicyDocument: { Version: '2012-10-17', Statement: statements } };
}

/** The role each part's code runs as, and who may assume it. */
export const PART_ROLES: Record<PartName, { role: string; principal: string }> = {
  collector: { role: 'CollectorTaskRole', principal: 'ecs-tasks.amazonaws.com' },
  ingest: { role: 'IngestTaskRole', principal: 'ecs-tasks.amazonaws.com' },
  ordersImport: { role: 'OrdersImportTaskRole', principal: 'ecs-tasks.amazonaws.com' },
  dashboard: { role: 'DashboardTaskRole', principal: 'ecs-tasks.amazonaws.com' },
  athenaSetup: { role: 'AthenaSetupTaskRole', principal: 'ecs-tasks.amazonaws.com' },
  firehose: { role: 'FirehoseDeliveryRole', principal: 'firehose.amazonaws.com' },
  firehoseTransform: { role: 'FirehoseTransformRole', principal: 'lambda.amazonaws.com' },
};

function role(part: PartName): Json {
  const { principal } = PART_ROLES[part];
  const properties: { [key: string]: Json } = {
    Description: PARTS[part].runs,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: principal },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
      }],
    },
    Policies: [policyFor(part)],
  };
  const out: { [key: string]: Json } = { Type: 'AWS::IAM::Role', Properties: properties };
  if (part === 'firehose' || part === 'firehoseTransform') out.Condition = 'WithFirehose';
  return out;
}

function glueTable(name: string, folder: string, columns: Record<string, string>): Json {
  const location = `${lakeUrl}/${folder}/`;
  const parameters: { [key: string]: Json } = { EXTERNAL: 'TRUE', classification: 'parquet' };
  for (const [k, v] of Object.entries(projectionTableProperties(location))) parameters[k] = sub(v.replace('${dt}', '${!dt}'));
  return {
    Type: 'AWS::Glue::Table',
    Properties: {
      CatalogId: ref('AWS::AccountId'),
      DatabaseName: ref('GlueDatabase'),
      TableInput: {
        Name: name,
        TableType: 'EXTERNAL_TABLE',
        Parameters: parameters,
        PartitionKeys: [{ Name: 'dt', Type: 'string' }],
        StorageDescriptor: {
          Columns: athenaColumns(columns).map((c) => ({ Name: c.name, Type: c.type })),
          Location: sub(location),
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    },
  };
}

const environment = (vars: Record<string, Json>): Json => Object.entries(vars).map(([Name, Value]) => ({ Name, Value }));
const streamEnv = { LIVELENS_KINESIS_STREAM: ref('EventsStream'), LIVELENS_DEAD_LETTER_STREAM: ref('DeadLetterStream'), AWS_REGION: ref('AWS::Region') };

function taskDefinition(family: string, part: PartName, command: string[], env: Record<string, Json>, cpu: number, memory: number, port: boolean): Json {
  const container: { [key: string]: Json } = {
    Name: family,
    Image: ref('Image'),
    Essential: true,
    Command: command,
    Environment: environment({ LIVELENS_DATA_DIR: '/tmp/livelens', ...env }),
    LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': ref('LogGroup'), 'awslogs-region': ref('AWS::Region'), 'awslogs-stream-prefix': family } },
  };
  if (port) container.PortMappings = [{ ContainerPort: CONTAINER_PORT, Protocol: 'tcp' }];
  return {
    Type: 'AWS::ECS::TaskDefinition',
    Properties: {
      Family: sub(`\${AWS::StackName}-${family}`),
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: String(cpu),
      Memory: String(memory),
      ExecutionRoleArn: getAtt('TaskExecutionRole', 'Arn'),
      TaskRoleArn: getAtt(PART_ROLES[part].role, 'Arn'),
      ContainerDefinitions: [container],
    },
  };
}

function service(taskDefinitionName: string, desired: Json, oneAtATime: boolean, targetGroup?: string, dependsOn?: string): Json {
  const properties: { [key: string]: Json } = {
    Cluster: ref('Cluster'),
    LaunchType: 'FARGATE',
    TaskDefinition: ref(taskDefinitionName),
    DesiredCount: desired,
    // One task at a time for singletons: ingest's lock is local, and one CloudWatch publisher runs (docs/spec.md §9).
    DeploymentConfiguration: oneAtATime ? { MinimumHealthyPercent: 0, MaximumPercent: 100 } : { MinimumHealthyPercent: 100, MaximumPercent: 200 },
    NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED', Subnets: ref('SubnetIds'), SecurityGroups: [ref('TaskSecurityGroup')] } },
  };
  if (targetGroup) {
    const container = taskDefinitionName === 'CollectorTaskDefinition' ? 'collector' : 'dashboard';
    properties.LoadBalancers = [{ ContainerName: container, ContainerPort: CONTAINER_PORT, TargetGroupArn: ref(targetGroup) }];
    properties.HealthCheckGracePeriodSeconds = 60;
  }
  const out: { [key: string]: Json } = { Type: 'AWS::ECS::Service', Properties: properties };
  if (dependsOn) out.DependsOn = [dependsOn];
  return out;
}

function targetGroup(): Json {
  return {
    Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
    Properties: {
      VpcId: ref('VpcId'), Port: CONTAINER_PORT, Protocol: 'HTTP', TargetType: 'ip',
      HealthCheckPath: '/healthz', HealthCheckIntervalSeconds: 15, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3,
      TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
    },
  };
}

/** The Firehose transform bundled as CommonJS for inline Lambda code (`index.handler`). */
export function firehoseTransformCode(): string {
  const out = buildSync({
    entryPoints: [fileURLToPath(new URL('./firehose-transform.ts', import.meta.url))],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, legalComments: 'none',
    // Whitespace and syntax only: identifiers keep their source names, so the output is stable.
    minifyWhitespace: true, minifySyntax: true, minifyIdentifiers: false,
  });
  return out.outputFiles[0]!.text;
}

/** Inline Lambda code is limited to this many characters by CloudFormation. */
export const MAX_INLINE_LAMBDA_CHARS = 4096;

function deliveryStream(source: string, table: string, folder: string, dtFrom: 'lambda' | 'received_at'): Json {
  const processors: Json[] = [
    // Packed records (contract/record-format.ts) become one record per NDJSON line.
    { Type: 'RecordDeAggregation', Parameters: [{ ParameterName: 'SubRecordType', ParameterValue: 'DELIMITED' }, { ParameterName: 'Delimiter', ParameterValue: 'Cg==' }] },
  ];
  if (dtFrom === 'lambda') {
    processors.push({ Type: 'Lambda', Parameters: [{ ParameterName: 'LambdaArn', ParameterValue: getAtt('FirehoseTransformFunction', 'Arn') }] });
  } else {
    processors.push({
      Type: 'MetadataExtraction',
      Parameters: [
        { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{dt: (.received_at / 1000 | strftime("%Y-%m-%d"))}' },
        { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
      ],
    });
  }
  return {
    Type: 'AWS::KinesisFirehose::DeliveryStream',
    Condition: 'WithFirehose',
    Properties: {
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: { KinesisStreamARN: getAtt(source, 'Arn'), RoleARN: getAtt('FirehoseDeliveryRole', 'Arn') },
      ExtendedS3DestinationConfiguration: {
        BucketARN: getAtt('LakeBucket', 'Arn'),
        RoleARN: getAtt('FirehoseDeliveryRole', 'Arn'),
        Prefix: `${LAKE_PREFIX}/${folder}/dt=!{${dtFrom === 'lambda' ? 'partitionKeyFromLambda' : 'partitionKeyFromQuery'}:dt}/`,
        ErrorOutputPrefix: `firehose-errors/${folder}/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        BufferingHints: { SizeInMBs: FIREHOSE_BUFFER_MIB, IntervalInSeconds: FIREHOSE_BUFFER_SECONDS },
        CompressionFormat: 'UNCOMPRESSED',
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        ProcessingConfiguration: { Enabled: true, Processors: processors },
        DataFormatConversionConfiguration: {
          Enabled: true,
          InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: { CaseInsensitive: false } } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          SchemaConfiguration: {
            CatalogId: ref('AWS::AccountId'), DatabaseName: ref('GlueDatabase'), TableName: ref(table), Region: ref('AWS::Region'),
            RoleARN: getAtt('FirehoseDeliveryRole', 'Arn'), VersionId: 'LATEST',
          },
        },
        CloudWatchLoggingOptions: { Enabled: true, LogGroupName: ref('FirehoseLogGroup'), LogStreamName: folder },
      },
    },
  };
}

function alarm(properties: Record<string, Json>): Json {
  return { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: { 'Fn::If': ['HasAlarmTopic', [ref('AlarmTopicArn')], ref('AWS::NoValue')] }, ...properties } };
}

/** The whole template. */
export function buildTemplate(): Json {
  const code = firehoseTransformCode();
  if (code.length > MAX_INLINE_LAMBDA_CHARS) throw new Error(`the Firehose transform bundles to ${code.length} characters; inline Lambda code allows ${MAX_INLINE_LAMBDA_CHARS}`);
  const resources: Record<string, Json> = {
    EventsStream: { Type: 'AWS::Kinesis::Stream', Properties: { StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: ref('ShardCount'), RetentionPeriodHours: STREAM_RETENTION_HOURS, StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' } } },
    DeadLetterStream: { Type: 'AWS::Kinesis::Stream', Properties: { StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: 1, RetentionPeriodHours: STREAM_RETENTION_HOURS, StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' } } },
    LakeBucket: {
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: {
          Rules: [
            { Id: 'lake-to-infrequent-access', Status: 'Enabled', Prefix: `${LAKE_PREFIX}/`, Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: LAKE_INFREQUENT_ACCESS_DAYS }] },
            { Id: 'lake-expiry', Status: { 'Fn::If': ['WithLakeExpiry', 'Enabled', 'Disabled'] }, Prefix: `${LAKE_PREFIX}/`, ExpirationInDays: { 'Fn::If': ['WithLakeExpiry', ref('LakeRetentionDays'), 36500] } },
            { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS } },
            { Id: 'firehose-errors-expiry', Status: 'Enabled', Prefix: 'firehose-errors/', ExpirationInDays: LOG_RETENTION_DAYS },
          ],
        },
      },
    },
    AthenaResultsBucket: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [{ Id: 'results-expiry', Status: 'Enabled', ExpirationInDays: ATHENA_RESULTS_EXPIRE_DAYS }] },
      },
    },
    GlueDatabase: { Type: 'AWS::Glue::Database', Properties: { CatalogId: ref('AWS::AccountId'), DatabaseInput: { Name: ref('DatabaseName'), Description: 'livelens lake (livelens athena ddl --create adds the dedupe views)' } } },
    LakeEventsTable: glueTable('lake_events', LAKE_TABLES.events, LAKE_EVENT_COLUMNS),
    LakeOrdersTable: glueTable('lake_orders', LAKE_TABLES.orders, LAKE_ORDER_COLUMNS),
    LakeDeadLettersTable: glueTable('lake_dead_letters', LAKE_TABLES.deadLetters, LAKE_DEAD_LETTER_COLUMNS),
    AthenaWorkGroup: {
      Type: 'AWS::Athena::WorkGroup',
      Properties: {
        Name: sub('${AWS::StackName}'),
        State: 'ENABLED',
        RecursiveDeleteOption: true,
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          PublishCloudWatchMetricsEnabled: true,
          BytesScannedCutoffPerQuery: ref('AthenaBytesScannedCutoff'),
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          ResultConfiguration: { OutputLocation: sub('s3://${AthenaResultsBucket}/results/'), EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
        },
      },
    },
    LogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: LOG_RETENTION_DAYS } },
    Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] } },
    TaskExecutionRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: 'ECS pulls the image and writes the container logs',
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy')],
      },
    },
    AlbSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'livelens ALB: HTTP from anywhere (put CloudFront in front for HTTPS and CloudFront-Viewer-Country)', VpcId: ref('VpcId'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' }] },
    },
    TaskSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'livelens tasks: the serve port from the ALB only', VpcId: ref('VpcId'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: CONTAINER_PORT, ToPort: CONTAINER_PORT, SourceSecurityGroupId: ref('AlbSecurityGroup') }] },
    },
    LoadBalancer: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Scheme: 'internet-facing', Subnets: ref('SubnetIds'), SecurityGroups: [ref('AlbSecurityGroup')] } },
    CollectorTargetGroup: targetGroup(),
    DashboardTargetGroup: targetGroup(),
    Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: ref('LoadBalancer'), Port: 80, Protocol: 'HTTP', DefaultActions: [{ Type: 'forward', TargetGroupArn: ref('DashboardTargetGroup') }] } },
    CollectorListenerRule: {
      Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
      Properties: { ListenerArn: ref('Listener'), Priority: 1, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/v1/*'] } }], Actions: [{ Type: 'forward', TargetGroupArn: ref('CollectorTargetGroup') }] },
    },
    CollectorTaskDefinition: taskDefinition('collector', 'collector', ['serve'], {
      // No live view on the collector tasks: only the dashboard task reads the stream for it (its role has the reads, GetRecords'
      // 5 calls/s per shard are shared by every reader, and there is one alerting and CloudWatch instance).
      ...streamEnv, LIVELENS_HOST: '0.0.0.0', LIVELENS_PORT: String(CONTAINER_PORT), LIVELENS_WRITE_KEYS: ref('WriteKeys'), LIVELENS_LIVE: 'off',
    }, COLLECTOR_TASK_CPU, COLLECTOR_TASK_MEMORY_MIB, true),
    IngestTaskDefinition: taskDefinition('ingest', 'ingest', ['ingest'], { ...streamEnv, LIVELENS_LAKE: sub(lakeUrl) }, INGEST_TASK_CPU, INGEST_TASK_MEMORY_MIB, false),
    DashboardTaskDefinition: taskDefinition('dashboard', 'dashboard', ['serve'], {
      ...streamEnv, LIVELENS_HOST: '0.0.0.0', LIVELENS_PORT: String(CONTAINER_PORT), LIVELENS_WRITE_KEYS: ref('WriteKeys'),
      LIVELENS_DASHBOARD_TOKENS: ref('DashboardTokens'), LIVELENS_ENGINE: 'athena', LIVELENS_LAKE: sub(lakeUrl),
      LIVELENS_ATHENA_WORKGROUP: ref('AthenaWorkGroup'), LIVELENS_ATHENA_DATABASE: ref('GlueDatabase'), LIVELENS_CLOUDWATCH_NAMESPACE: ref('MetricsNamespace'),
    }, INGEST_TASK_CPU, INGEST_TASK_MEMORY_MIB, true),
    OrdersImportTaskDefinition: taskDefinition('orders-import', 'ordersImport', ['orders', 'import', '/data/orders.csv'], { LIVELENS_LAKE: sub(lakeUrl), AWS_REGION: ref('AWS::Region') }, INGEST_TASK_CPU, INGEST_TASK_MEMORY_MIB, false),
    AthenaSetupTaskDefinition: taskDefinition('athena-setup', 'athenaSetup', ['athena', 'ddl', '--create'], {
      LIVELENS_LAKE: sub(lakeUrl), LIVELENS_ATHENA_WORKGROUP: ref('AthenaWorkGroup'), LIVELENS_ATHENA_DATABASE: ref('GlueDatabase'), AWS_REGION: ref('AWS::Region'),
    }, 256, 512, false),
    CollectorService: service('CollectorTaskDefinition', ref('CollectorMinTasks'), false, 'CollectorTargetGroup', 'CollectorListenerRule'),
    IngestService: service('IngestTaskDefinition', 1, true),
    DashboardService: service('DashboardTaskDefinition', 1, true, 'DashboardTargetGroup', 'Listener'),
    CollectorScalableTarget: {
      Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      Properties: {
        ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: sub('service/${Cluster}/${CollectorService.Name}'),
        MinCapacity: ref('CollectorMinTasks'), MaxCapacity: ref('CollectorMaxTasks'),
        RoleARN: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService'),
      },
    },
    CollectorScalingPolicy: {
      Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
      Properties: {
        PolicyName: 'collector-cpu', PolicyType: 'TargetTrackingScaling', ScalingTargetId: ref('CollectorScalableTarget'),
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: COLLECTOR_CPU_TARGET_PERCENT, ScaleOutCooldown: 60, ScaleInCooldown: 300,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        },
      },
    },
    FirehoseLogGroup: { Type: 'AWS::Logs::LogGroup', Condition: 'WithFirehose', Properties: { RetentionInDays: LOG_RETENTION_DAYS } },
    FirehoseTransformFunction: {
      Type: 'AWS::Lambda::Function',
      Condition: 'WithFirehose',
      Properties: {
        FunctionName: sub('${AWS::StackName}-firehose-transform'),
        Runtime: 'nodejs20.x', Handler: 'index.handler', MemorySize: 256, Timeout: 60,
        Role: getAtt('FirehoseTransformRole', 'Arn'),
        Code: { ZipFile: code },
      },
    },
    EventsDeliveryStream: deliveryStream('EventsStream', 'LakeEventsTable', LAKE_TABLES.events, 'lambda'),
    DeadLettersDeliveryStream: deliveryStream('DeadLetterStream', 'LakeDeadLettersTable', LAKE_TABLES.deadLetters, 'received_at'),
  };
  for (const part of Object.keys(PARTS) as PartName[]) resources[PART_ROLES[part].role] = role(part);
  // The docs/spec.md §9 alert rules as alarms, from the live issue's generator (one per rule over the worst group).
  const product = cloudWatchAlarmResources({
    namespace: METRICS_NAMESPACE, rules: parseAlertRules(DEFAULT_ALERT_RULES), minViewers: DEFAULT_ALERT_MIN_VIEWERS, intervalS: CLOUDWATCH_INTERVAL_S,
  });
  Object.assign(resources, product.Resources as Record<string, Json>);
  resources.IngestLagAlarm = alarm({
    AlarmDescription: `ingest is more than ${MAX_INGEST_LAG_MS / 60_000} minutes behind the events stream`,
    Namespace: 'AWS/Kinesis', MetricName: 'GetRecords.IteratorAgeMilliseconds', Dimensions: [{ Name: 'StreamName', Value: ref('EventsStream') }],
    Statistic: 'Maximum', Period: 60, EvaluationPeriods: ALARM_EVALUATION_PERIODS, Threshold: MAX_INGEST_LAG_MS, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
  });
  resources.StreamThrottledAlarm = alarm({
    AlarmDescription: 'the events stream refuses writes (add shards: docs/scale.md); the collector spools meanwhile',
    Namespace: 'AWS/Kinesis', MetricName: 'WriteProvisionedThroughputExceeded', Dimensions: [{ Name: 'StreamName', Value: ref('EventsStream') }],
    Statistic: 'Sum', Period: 60, EvaluationPeriods: ALARM_EVALUATION_PERIODS, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
  });
  resources.Collector5xxAlarm = alarm({
    AlarmDescription: `the collector answers more than ${MAX_COLLECTOR_5XX_PER_MINUTE} 5xx a minute (stream down and spool full, or shedding)`,
    Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count',
    Dimensions: [{ Name: 'LoadBalancer', Value: getAtt('LoadBalancer', 'LoadBalancerFullName') }, { Name: 'TargetGroup', Value: getAtt('CollectorTargetGroup', 'TargetGroupFullName') }],
    Statistic: 'Sum', Period: 60, EvaluationPeriods: ALARM_EVALUATION_PERIODS, Threshold: MAX_COLLECTOR_5XX_PER_MINUTE, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
  });

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'livelens at AWS scale: Kinesis, the lake on S3, Glue and Athena, the collector on ECS Fargate behind an ALB, ingest, dashboard, optional Firehose, alarms (generated by deploy/template.ts; do not edit)',
    Parameters: {
      VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'VPC of the ALB and the tasks' },
      SubnetIds: { Type: 'List<AWS::EC2::Subnet::Id>', Description: 'public subnets (two or more zones) for the ALB and the tasks' },
      Image: { Type: 'String', Description: 'container image running bin/livelens.js (e.g. an ECR URI)' },
      WriteKeys: { Type: 'String', NoEcho: true, Description: 'LIVELENS_WRITE_KEYS: key@retailer[=origin|origin] entries' },
      DashboardTokens: { Type: 'String', NoEcho: true, Description: 'LIVELENS_DASHBOARD_TOKENS: token=role[:scope] entries' },
      ShardCount: { Type: 'Number', Default: 2, MinValue: 1, Description: 'events stream shards (docs/scale.md: how many for your audience)' },
      CollectorMinTasks: { Type: 'Number', Default: 2, MinValue: 1 },
      CollectorMaxTasks: { Type: 'Number', Default: 20, MinValue: 1 },
      DatabaseName: { Type: 'String', Default: 'livelens', AllowedPattern: '^[a-z_][a-z0-9_]*$' },
      MetricsNamespace: { Type: 'String', Default: METRICS_NAMESPACE, AllowedValues: [METRICS_NAMESPACE], Description: 'LIVELENS_CLOUDWATCH_NAMESPACE of the one publisher (the dashboard task); the alarms watch this namespace' },
      AthenaBytesScannedCutoff: { Type: 'Number', Default: DEFAULT_ATHENA_BYTES_SCANNED_CUTOFF, MinValue: 10_000_000, Description: 'bytes one Athena query may scan before it is cancelled' },
      LakeRetentionDays: { Type: 'Number', Default: 0, MinValue: 0, Description: 'delete lake files after this many days (0: keep)' },
      EnableFirehose: { Type: 'String', Default: 'false', AllowedValues: ['true', 'false'], Description: 'land the streams with Firehose too (then scale IngestService to 0)' },
      ...(product.Parameters as Record<string, Json>),
    },
    Conditions: {
      WithFirehose: { 'Fn::Equals': [ref('EnableFirehose'), 'true'] },
      WithLakeExpiry: { 'Fn::Not': [{ 'Fn::Equals': [ref('LakeRetentionDays'), 0] }] },
      ...(product.Conditions as Record<string, Json>),
    },
    Resources: resources,
    Outputs: {
      CollectorUrl: { Value: sub('http://${LoadBalancer.DNSName}/v1/events'), Description: 'POST /v1/events here (the SDK endpoint)' },
      DashboardUrl: { Value: sub('http://${LoadBalancer.DNSName}/') },
      Lake: { Value: sub(lakeUrl), Description: 'LIVELENS_LAKE for livelens athena ddl --create and orders import' },
      AthenaWorkGroupName: { Value: ref('AthenaWorkGroup') },
      EventsStreamName: { Value: ref('EventsStream') },
    },
  };
}

/** The template as written to deploy/livelens.template.json. */
export function templateText(): string {
  return JSON.stringify(buildTemplate(), null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = templateText();
  const readme = readmeWithCallsTable(readFileSync(README_PATH, 'utf8'));
  const check = process.argv.includes('--check');
  if (check) {
    if (readFileSync(TEMPLATE_PATH, 'utf8') !== text || readFileSync(README_PATH, 'utf8') !== readme) {
      console.error(`${TEMPLATE_PATH} or ${README_PATH} is out of date: run npm run deploy:template`);
      process.exit(1);
    }
  } else {
    writeFileSync(TEMPLATE_PATH, text);
    writeFileSync(README_PATH, readme);
    console.log(`wrote ${TEMPLATE_PATH} (${Object.keys((buildTemplate() as { Resources: object }).Resources).length} resources)`);
  }
}
