/**
 * `livelens athena ddl [--create]` end to end: the real CLI, printing the
 * setup, and creating it against an Athena wire-protocol stand-in on
 * 127.0.0.1 (JSON 1.1 over HTTP, reached through the AWS SDK's own
 * AWS_ENDPOINT_URL_ATHENA), run twice to show it is idempotent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './spec/cli-harness.ts';
import { sqlGrammars } from './sql-grammar.ts';

interface AthenaCall {
  target: string;
  body: Record<string, unknown>;
}

/** Answers StartQueryExecution / GetQueryExecution like Athena; every statement succeeds. */
function fakeAthena(calls: AthenaCall[]): Server {
  let next = 0;
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      calls.push({ target, body });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'AmazonAthena.StartQueryExecution') {
        res.end(JSON.stringify({ QueryExecutionId: `q-${++next}` }));
      } else if (target === 'AmazonAthena.GetQueryExecution') {
        res.end(JSON.stringify({ QueryExecution: { QueryExecutionId: body.QueryExecutionId, Status: { State: 'SUCCEEDED' } } }));
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'InvalidRequestException', message: `unexpected ${target}` }));
      }
    });
  });
}

const calls: AthenaCall[] = [];
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = fakeAthena(calls);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('livelens athena ddl', () => {
  it('prints the setup for the lake LIVELENS_LAKE names (winning over LIVELENS_LAKE_S3), which Athena\'s grammars parse', async () => {
    const r = await runCli(['athena', 'ddl', '--athena-database', 'shop_analytics'], {
      LIVELENS_LAKE: 's3://new-lake/livelens/', LIVELENS_LAKE_S3: 's3://old-lake/x',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CREATE DATABASE IF NOT EXISTS `shop_analytics`;');
    for (const table of ['lake_events', 'lake_orders', 'lake_dead_letters']) expect(r.stdout).toContain(`CREATE EXTERNAL TABLE IF NOT EXISTS ${table} (`);
    expect(r.stdout).toContain("LOCATION 's3://new-lake/livelens/dead_letters/'");
    expect(r.stdout).not.toContain('old-lake');
    expect(r.stdout.match(/'projection\.dt\.range' = '2024-01-01,NOW\+1DAYS'/g)).toHaveLength(6);
    // Each statement, as printed, parses: DDL with Hive's grammar (Athena's DDL engine), views with Trino's.
    const { trino, hive } = await sqlGrammars();
    const statements = r.stdout.replace(/^--.*\n/gm, '').split(/;\n/).map((s) => s.trim()).filter((s) => s !== '');
    expect(statements).toHaveLength(9);
    for (const s of statements) expect((s.startsWith('CREATE OR REPLACE VIEW') ? trino : hive).validate(s), s).toEqual([]);
  }, 60_000);

  it('refuses to print without an S3 lake, naming the settings', async () => {
    const r = await runCli(['athena', 'ddl'], { LIVELENS_LAKE: '/srv/lake' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^livelens: athena ddl needs the lake on S3 \(LIVELENS_LAKE is a folder\): set --lake \/ LIVELENS_LAKE \(or the older LIVELENS_LAKE_S3\)/);
  });

  it('--create runs every statement through the Athena API, and a second run sends the same idempotent statements', async () => {
    const env = {
      AWS_ENDPOINT_URL_ATHENA: endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
      LIVELENS_LAKE_S3: 's3://acme-lake/lake', LIVELENS_ATHENA_WORKGROUP: 'livelens', LIVELENS_ATHENA_OUTPUT: 's3://acme-results/athena',
    };
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const before = calls.length;
      const r = await runCli(['athena', 'ddl', '--create'], env);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { database: string; lake: string; statements: Array<{ object: string; query_execution_id: string }> };
      expect(out.database).toBe('livelens');
      expect(out.lake).toBe('s3://acme-lake/lake');
      expect(out.statements).toHaveLength(9);
      runs.push(calls.slice(before).filter((c) => c.target === 'AmazonAthena.StartQueryExecution').map((c) => c.body));
    }
    const [first, second] = runs as [Array<Record<string, unknown>>, Array<Record<string, unknown>>];
    expect(first).toHaveLength(9);
    const strip = (b: Record<string, unknown>) => ({ ...b, ClientRequestToken: undefined });
    expect(second.map(strip)).toEqual(first.map(strip));
    for (const b of first) {
      expect(b.WorkGroup).toBe('livelens');
      expect(b.ResultConfiguration).toEqual({ OutputLocation: 's3://acme-results/athena/' });
      expect(String(b.QueryString)).toMatch(/^(CREATE DATABASE IF NOT EXISTS|CREATE EXTERNAL TABLE IF NOT EXISTS|ALTER TABLE \w+ SET TBLPROPERTIES|CREATE OR REPLACE VIEW) /);
      expect(String(b.QueryString)).not.toMatch(/\bDROP\b/i);
    }
  }, 60_000);

  it('--create without a region says what to set, before any call', async () => {
    const before = calls.length;
    const r = await runCli(['athena', 'ddl', '--create'], { LIVELENS_LAKE: 's3://acme-lake/lake', HOME: '/nonexistent', AWS_REGION: '', AWS_DEFAULT_REGION: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs an AWS region: set AWS_REGION \(or --aws-region\)/);
    expect(calls.length).toBe(before);
  });
});
