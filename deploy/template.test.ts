/**
 * The CloudFormation stack: the committed template is the generator's
 * output; every Ref, GetAtt, Sub variable, condition and DependsOn
 * resolves; each part's role grants exactly the actions deploy/aws-calls.ts
 * lists for it, on the stack's own resources; that list matches the SDK
 * commands the part's sources send; the Glue tables are the lake
 * contract's; the inline Firehose transform flattens events as ingest does.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAKE_EVENT_COLUMNS, toLakeRow } from '../contract/lake.ts';
import { athenaColumns, athenaDdl, projectionTableProperties } from '../pipeline/engine/athena-ddl.ts';
import { everyType } from '../test/ingest-fixtures.ts';
import { partActions, partCodeCommands, PARTS, type DeployedPart, type PartName } from './aws-calls.ts';
import { DEFAULT_ALERT_RULES, parseAlertRules } from '../live/alerts/rules.ts';
import { MAX_INLINE_LAMBDA_CHARS, PART_ROLES, README_PATH, readmeWithCallsTable, TEMPLATE_PATH, templateText } from './template.ts';

type Node = unknown;
interface Template {
  Parameters: Record<string, unknown>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; DependsOn?: string[]; Properties: Record<string, unknown> }>;
  Outputs: Record<string, unknown>;
}

const REPO = new URL('..', import.meta.url).pathname;
const text = templateText();
const template = JSON.parse(text) as Template;
const PSEUDO = new Set(['AWS::AccountId', 'AWS::Region', 'AWS::StackName', 'AWS::Partition', 'AWS::NoValue', 'AWS::URLSuffix', 'AWS::StackId']);
/** Attributes the template reads, per resource type (CloudFormation's documented return values). */
const ATTRIBUTES: Record<string, string[]> = {
  'AWS::Kinesis::Stream': ['Arn'],
  'AWS::S3::Bucket': ['Arn'],
  'AWS::IAM::Role': ['Arn'],
  'AWS::Lambda::Function': ['Arn'],
  'AWS::Logs::LogGroup': ['Arn'],
  'AWS::ECS::Service': ['Name'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['DNSName', 'LoadBalancerFullName'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['TargetGroupFullName'],
};

function walk(node: Node, visit: (key: string, value: Node) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      visit(k, v);
      walk(v, visit);
    }
  }
}

function checkName(name: string, attr: string | undefined, problems: string[], where: string): void {
  if (attr === undefined) {
    if (!(name in template.Parameters) && !(name in template.Resources) && !PSEUDO.has(name)) problems.push(`${where}: Ref ${name} names nothing`);
    return;
  }
  const resource = template.Resources[name];
  if (!resource) problems.push(`${where}: GetAtt ${name}.${attr}: no such resource`);
  else if (!(ATTRIBUTES[resource.Type] ?? []).includes(attr)) problems.push(`${where}: ${resource.Type} ${name} has no attribute ${attr} known to this test`);
}

describe('deploy/livelens.template.json', () => {
  it('is the output of deploy/template.ts (npm run deploy:template), and deploy/README.md shows today\'s calls table', () => {
    expect(readFileSync(TEMPLATE_PATH, 'utf8') === text, 'deploy/livelens.template.json is stale: run npm run deploy:template').toBe(true);
    const readme = readFileSync(README_PATH, 'utf8');
    expect(readme === readmeWithCallsTable(readme), 'deploy/README.md is stale: run npm run deploy:template').toBe(true);
  });

  it('resolves every Ref, GetAtt, Sub variable, condition and DependsOn', () => {
    const problems: string[] = [];
    let refs = 0;
    walk(template, (key, value) => {
      if (key === 'Ref') {
        refs++;
        checkName(String(value), undefined, problems, 'Ref');
      } else if (key === 'Fn::GetAtt') {
        const [name, attr] = value as [string, string];
        checkName(name, attr, problems, 'GetAtt');
      } else if (key === 'Fn::Sub') {
        const [body, vars] = typeof value === 'string' ? [value, {}] : (value as [string, Record<string, unknown>]);
        for (const m of body.matchAll(/\$\{([^}]+)\}/g)) {
          const inner = m[1]!;
          if (inner.startsWith('!') || inner in vars) continue;
          const [name, attr] = inner.split('.') as [string, string | undefined];
          checkName(name, attr, problems, `Sub "${body}"`);
        }
      } else if (key === 'Fn::If' || key === 'Condition') {
        const condition = key === 'Fn::If' ? (value as [string])[0] : value;
        if (typeof condition === 'string' && !(condition in template.Conditions)) problems.push(`condition ${condition} is not defined`);
      }
    });
    for (const [name, r] of Object.entries(template.Resources)) {
      for (const d of r.DependsOn ?? []) if (!(d in template.Resources)) problems.push(`${name} DependsOn ${d}: no such resource`);
      // A resource of the always-on stack must not reference a conditional one.
      if (!r.Condition) {
        walk(r, (key, value) => {
          const target = key === 'Ref' ? String(value) : key === 'Fn::GetAtt' ? (value as [string])[0] : undefined;
          if (target && template.Resources[target]?.Condition) problems.push(`${name} (always created) references ${target} (only with ${template.Resources[target]!.Condition})`);
        });
      }
    }
    expect(problems).toEqual([]);
    expect(refs).toBeGreaterThan(50);
  });

  it('holds the parts the issue names', () => {
    const types = Object.values(template.Resources).map((r) => r.Type);
    for (const t of ['AWS::Kinesis::Stream', 'AWS::S3::Bucket', 'AWS::Glue::Database', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup', 'AWS::ECS::Service',
      'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::KinesisFirehose::DeliveryStream', 'AWS::CloudWatch::Alarm']) {
      expect(types, t).toContain(t);
    }
    const lake = template.Resources.LakeBucket!.Properties as { LifecycleConfiguration: { Rules: Array<{ Id: string }> } };
    expect(lake.LifecycleConfiguration.Rules.map((r) => r.Id)).toEqual(['lake-to-infrequent-access', 'lake-expiry', 'abort-incomplete-uploads', 'firehose-errors-expiry']);
    const wg = template.Resources.AthenaWorkGroup!.Properties as { WorkGroupConfiguration: { BytesScannedCutoffPerQuery: unknown; EnforceWorkGroupConfiguration: boolean } };
    expect(wg.WorkGroupConfiguration.BytesScannedCutoffPerQuery).toEqual({ Ref: 'AthenaBytesScannedCutoff' });
    expect(wg.WorkGroupConfiguration.EnforceWorkGroupConfiguration).toBe(true);
    const scaling = template.Resources.CollectorScalingPolicy!.Properties as { TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: string } } };
    expect(scaling.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType).toBe('ECSServiceAverageCPUUtilization');
    // Singletons never run twice during a deploy: ingest's lock is local, and there is one CloudWatch publisher.
    for (const s of ['IngestService', 'DashboardService']) {
      expect((template.Resources[s]!.Properties as { DesiredCount: number; DeploymentConfiguration: unknown })).toMatchObject({ DesiredCount: 1, DeploymentConfiguration: { MaximumPercent: 100 } });
    }
    // Only the dashboard task runs the live view (the collector's role cannot read the stream, and has no need to).
    const env = (task: string) => Object.fromEntries(((template.Resources[task]!.Properties as { ContainerDefinitions: Array<{ Environment: Array<{ Name: string; Value: unknown }> }> })
      .ContainerDefinitions[0]!.Environment).map((e) => [e.Name, e.Value]));
    expect(env('CollectorTaskDefinition').LIVELENS_LIVE).toBe('off');
    expect(env('DashboardTaskDefinition').LIVELENS_LIVE).toBeUndefined(); // on, the default
    expect(partActions('dashboard')).toContain('kinesis:GetRecords');
    // The docs/spec.md §9 rules, one alarm each over the worst retailer and region (live/cloudwatch/alarms.ts).
    const alarms = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties as { Threshold: number; Metrics?: Array<{ Expression?: string }> });
    for (const rule of parseAlertRules(DEFAULT_ALERT_RULES)) {
      expect(alarms.some((a) => a.Threshold === rule.threshold && (a.Metrics?.[0]?.Expression ?? '').includes('FROM SCHEMA("livelens", RetailerId, Region)')), rule.text).toBe(true);
    }
  });

  it('gives each part a role granting exactly the actions it calls, on the stack\'s resources only', () => {
    const roles = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.Policies);
    expect(roles.map(([name]) => name).sort()).toEqual(Object.values(PART_ROLES).map((r) => r.role).sort());
    for (const part of Object.keys(PARTS) as PartName[]) {
      const r = template.Resources[PART_ROLES[part].role]!;
      const statements = (r.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<{ Action: string[]; Resource: unknown[]; Effect: string; Condition?: unknown }> } }>)
        .flatMap((p) => p.PolicyDocument.Statement);
      const granted = [...new Set(statements.flatMap((s) => s.Action))].sort();
      expect(granted, part).toEqual(partActions(part));
      for (const s of statements) {
        expect(s.Effect).toBe('Allow');
        for (const a of s.Action) expect(a, `${part}: ${a}`).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/); // no wildcards
        if (s.Resource.includes('*')) {
          // Only PutMetricData, which has no resource ARN, and only within the livelens namespace.
          expect(s.Action, part).toEqual(['cloudwatch:PutMetricData']);
          expect(s.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': { Ref: 'MetricsNamespace' } } });
        }
      }
    }
    // What each part may not do at all.
    const services = (part: PartName) => new Set(partActions(part).map((a) => a.split(':')[0]));
    expect([...services('collector')]).toEqual(['kinesis']);
    expect(partActions('collector')).not.toContain('kinesis:GetRecords');
    expect(partActions('ingest')).not.toContain('kinesis:PutRecords');
    expect(services('ingest').has('athena')).toBe(false);
    expect(partActions('dashboard').filter((a) => a.startsWith('glue:Create') || a.startsWith('glue:Update') || a === 's3:PutObject')).toEqual(['s3:PutObject']);
    const dashboardPut = (template.Resources.DashboardTaskRole!.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<{ Sid: string; Action: string[] }> } }>)[0]!
      .PolicyDocument.Statement.filter((s) => s.Action.includes('s3:PutObject')).map((s) => s.Sid);
    expect(dashboardPut).toEqual(['resultsObjects']); // writes Athena results, never the lake
  });

  it('lists exactly the SDK commands each part\'s sources send', () => {
    const commandsIn = (files: readonly string[]) =>
      [...new Set(files.flatMap((f) => [...readFileSync(join(REPO, f), 'utf8').matchAll(/new ([A-Z][A-Za-z0-9]+Command)\(/g)].map((m) => m[1]!)))].sort();
    for (const part of Object.keys(PARTS) as PartName[]) {
      const unsent = new Set(((PARTS[part] as DeployedPart).unsent ?? []).map((u) => u.sdk));
      const found = commandsIn(PARTS[part].sources).filter((c) => !unsent.has(c));
      const declared = partCodeCommands(part);
      // athena ddl --create runs only AthenaEngine.setup() of athena.ts (no result pages, no stop).
      if (part === 'athenaSetup') expect(found, part).toEqual(expect.arrayContaining(declared));
      else expect(found, part).toEqual(declared);
    }
    // Every AWS command the product sends is someone's: scan the deployed code.
    const declaredAnywhere = new Set((Object.keys(PARTS) as PartName[]).flatMap(partCodeCommands));
    /** Commands only the embedded kinesalite set-up sends (never on AWS): streams/embedded-kinesis.ts, the endpoint probe of streams/kinesis-target.ts. */
    const localOnly = new Set(['CreateStreamCommand', 'ListStreamsCommand']);
    const files = (dir: string): string[] => readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !dir.includes('testing') ? [join(dir, e.name)] : []);
    const deployed = ['collector', 'pipeline', 'live', 'server', 'streams'].flatMap((d) => { try { return files(d); } catch { return []; } });
    const unknown = commandsIn(deployed).filter((c) => !declaredAnywhere.has(c) && !localOnly.has(c));
    expect(unknown).toEqual([]);
  });

  it('defines the Glue tables as `livelens athena ddl` does: the lake contract\'s columns, projection to tomorrow', () => {
    const table = template.Resources.LakeEventsTable!.Properties as { TableInput: { Name: string; Parameters: Record<string, unknown>; StorageDescriptor: { Columns: Array<{ Name: string; Type: string }> } } };
    expect(table.TableInput.Name).toBe('lake_events');
    expect(table.TableInput.StorageDescriptor.Columns).toEqual(athenaColumns(LAKE_EVENT_COLUMNS).map((c) => ({ Name: c.name, Type: c.type })));
    const expected = projectionTableProperties('s3://${LakeBucket}/lake/events/');
    for (const [k, v] of Object.entries(expected)) expect(table.TableInput.Parameters[k], k).toEqual({ 'Fn::Sub': v.replace('${dt}', '${!dt}') });
    // The DDL's tables are the template's tables.
    const ddlTables = athenaDdl({ lakeS3: 's3://lake-bucket/lake' }).filter((s) => s.object.startsWith('table ') && !s.object.endsWith('projection')).map((s) => s.object.slice(6));
    const templateTables = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Glue::Table').map((r) => (r.Properties as { TableInput: { Name: string } }).TableInput.Name);
    expect(templateTables.sort()).toEqual(ddlTables.sort());
  });

  it('inlines a Firehose transform that lands the rows ingest lands, partitioned by the UTC date of event_time', async () => {
    const fn = template.Resources.FirehoseTransformFunction!.Properties as { Code: { ZipFile: string } };
    expect(fn.Code.ZipFile.length).toBeLessThanOrEqual(MAX_INLINE_LAMBDA_CHARS);
    const dir = mkdtempSync(join(tmpdir(), 'livelens-lambda-'));
    try {
      writeFileSync(join(dir, 'index.js'), fn.Code.ZipFile);
      const lambda = createRequire(import.meta.url)(join(dir, 'index.js')) as { handler: (e: unknown) => Promise<{ records: Array<{ recordId: string; result: string; data: string; metadata?: { partitionKeys: { dt: string } } }> }> };
      const events = everyType();
      const records = [...events.map((e, i) => ({ recordId: String(i), data: Buffer.from(JSON.stringify(e) + '\n').toString('base64') })), { recordId: 'bad', data: Buffer.from('not json').toString('base64') }];
      const out = await lambda.handler({ records });
      expect(out.records).toHaveLength(records.length);
      events.forEach((e, i) => {
        const r = out.records[i]!;
        expect(r).toMatchObject({ recordId: String(i), result: 'Ok', metadata: { partitionKeys: { dt: new Date(e.event_time).toISOString().slice(0, 10) } } });
        expect(JSON.parse(Buffer.from(r.data, 'base64').toString())).toEqual(toLakeRow(e));
      });
      expect(out.records.at(-1)).toMatchObject({ recordId: 'bad', result: 'ProcessingFailed' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const events = template.Resources.EventsDeliveryStream!.Properties as { ExtendedS3DestinationConfiguration: { Prefix: string; ProcessingConfiguration: { Processors: Array<{ Type: string }> }; DataFormatConversionConfiguration: { SchemaConfiguration: { TableName: unknown } } } };
    expect(events.ExtendedS3DestinationConfiguration.Prefix).toBe('lake/events/dt=!{partitionKeyFromLambda:dt}/');
    expect(events.ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors.map((p) => p.Type)).toEqual(['RecordDeAggregation', 'Lambda']);
    expect(events.ExtendedS3DestinationConfiguration.DataFormatConversionConfiguration.SchemaConfiguration.TableName).toEqual({ Ref: 'LakeEventsTable' });
  });
});
