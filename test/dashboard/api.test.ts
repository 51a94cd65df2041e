/**
 * The data API (docs/spec.md §8) on a two-retailer lake through the
 * dashboard app (`app.request`, a real DuckDB): every endpoint in json,
 * csv and arrow; JSON equal to the CLI's `--format json`; each bad
 * parameter a 400 naming it; credentials (missing, wrong, expired session,
 * a write key); retailer scoping through parameters, paths, formats and
 * the cache.
 */
import { rmSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, parseDashboardTokens, SESSION_COOKIE } from '../../dashboard/access/index.ts';
import { createDashboardApp } from '../../dashboard/app.ts';
import { SharedEngine } from '../../dashboard/api/shared-engine.ts';
import { runCli } from '../spec/cli-harness.ts';
import { ADMIN_TOKEN, ANALYST_TOKEN, R1_TOKEN, R2_TOKEN, TOKENS, WRITE_KEY, writeApiFixture } from './api-fixture.ts';

let dataDir: string;
let engine: SharedEngine;
const clock = { t: Date.now() };
let app: ReturnType<typeof createDashboardApp>;

beforeAll(async () => {
  dataDir = await writeApiFixture();
  engine = new SharedEngine({ dataDir });
  const access = createAccess({ tokens: parseDashboardTokens(TOKENS), writeKeys: [WRITE_KEY], now: () => clock.t });
  app = createDashboardApp({ access, dataDir, engine });
});
afterAll(async () => {
  await engine?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** GET as `token` ('' sends no credential). */
const get = (path: string, token = ADMIN_TOKEN, headers: Record<string, string> = {}) =>
  app.request(new Request(`http://dash.test${path}`, { headers: { ...(token !== '' ? { authorization: `Bearer ${token}` } : {}), ...headers } }));

async function json(path: string, token?: string): Promise<{ rows: Array<Record<string, unknown>> } & Record<string, unknown>> {
  const res = await get(path, token);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as { rows: Array<Record<string, unknown>> };
}

const ENDPOINTS = [
  '/api/v1/reports/conversion?by=creator',
  '/api/v1/reports/conversion?by=show',
  '/api/v1/reports/conversion?by=offer',
  '/api/v1/reports/conversion?by=region',
  '/api/v1/reports/qoe?by=region',
  '/api/v1/reports/qoe?by=show',
  '/api/v1/reports/qoe?by=device',
  '/api/v1/reports/qoe-impact?by=rebuffer',
  '/api/v1/reports/qoe-impact?by=latency&region=DE',
  '/api/v1/reports/qoe-impact?by=startup',
  '/api/v1/reports/audience?by=creator',
  '/api/v1/reports/audience?by=show',
  '/api/v1/reports/timeline?show=s2',
  '/api/v1/experiments',
  '/api/v1/experiments/exp1',
  '/api/v1/experiments/exp1/cumulative?retailer=r1&by=hour',
  '/api/v1/reports/conversion-over-time?by=total',
  '/api/v1/reports/conversion-over-time?by=hour&from=2026-11-01&to=2026-11-02',
  '/api/v1/health/data',
];

describe('every endpoint in every format', () => {
  it.each(ENDPOINTS)('%s answers json, csv and arrow with the same rows', async (path) => {
    const body = await json(path);
    expect(Array.isArray(body.rows)).toBe(true);
    const sep = path.includes('?') ? '&' : '?';
    const csv = await get(`${path}${sep}format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).split('\r\n').filter((l) => l !== '');
    expect(lines.length).toBe(body.rows.length + 1);
    const arrow = await get(`${path}${sep}format=arrow`);
    expect(arrow.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    expect(table.numRows).toBe(body.rows.length);
    expect(table.schema.fields.map((f) => f.name)).toEqual(lines[0]!.split(','));
  });

  it('arrow types: integers Int64, other numbers Float64, strings Utf8, nulls kept', async () => {
    const res = await get('/api/v1/reports/conversion?by=creator&format=arrow');
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    const type = (name: string) => String(table.schema.fields.find((f) => f.name === name)!.type);
    expect(type('viewers')).toBe('Int64');
    expect(type('conversion_rate')).toBe('Float64');
    expect(type('creator_id')).toBe('Utf8');
    const body = await json('/api/v1/reports/conversion?by=creator');
    expect(table.getChild('viewers')!.toArray()[0]).toBe(BigInt(body.rows[0]!.viewers as number));
    const nullCurrency = body.rows.findIndex((r) => r.currency === null);
    if (nullCurrency >= 0) expect(table.getChild('currency')!.get(nullCurrency)).toBeNull();
  });

  it('format wins over Accept; Accept picks a format when format is absent', async () => {
    const csv = await get('/api/v1/reports/qoe?by=region', ADMIN_TOKEN, { accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const json = await get('/api/v1/reports/qoe?by=region&format=json', ADMIN_TOKEN, { accept: 'text/csv' });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('JSON equals the CLI', () => {
  it('qoe-impact and the experiment report in JSON, conversion in CSV', async () => {
    // Three CLI processes at once (each loads tsx and DuckDB): enough to pin the shapes on a shared 2-core machine.
    const [impact, experiment, conversion] = await Promise.all([
      runCli(['report', 'qoe-impact', '--by', 'latency', '--format', 'json', '--data-dir', dataDir]),
      runCli(['report', 'experiment', 'exp1', '--method', 'bayesian', '--format', 'json', '--data-dir', dataDir]),
      runCli(['report', 'conversion', '--by', 'creator', '--window', '48h', '--format', 'csv', '--data-dir', dataDir]),
    ]);
    expect(impact.stderr + experiment.stderr + conversion.stderr).toBe('');
    expect(await json('/api/v1/reports/qoe-impact?by=latency')).toEqual(JSON.parse(impact.stdout));
    expect(await json('/api/v1/experiments/exp1?method=bayesian')).toEqual(JSON.parse(experiment.stdout));
    expect(await (await get('/api/v1/reports/conversion?by=creator&window=48h&format=csv')).text()).toBe(conversion.stdout);
  }, 60_000);
});

describe('bad parameters: 400 naming the parameter', () => {
  it.each([
    ['/api/v1/reports/conversion', 'by'],
    ['/api/v1/reports/conversion?by=planet', 'by'],
    ['/api/v1/reports/conversion?by=creator&from=yesterday', 'from'],
    ['/api/v1/reports/conversion?by=creator&to=2026-13-01', 'to'],
    ['/api/v1/reports/conversion?by=creator&from=2026-11-02&to=2026-11-01', 'from'],
    ['/api/v1/reports/conversion?by=creator&window=forever', 'window'],
    ['/api/v1/reports/conversion?by=creator&format=xml', 'format'],
    ['/api/v1/reports/conversion?by=creator&format=csv&format=json', 'format'],
    ['/api/v1/reports/conversion?by=creator&colour=red', 'colour'],
    ['/api/v1/reports/conversion?by=creator&by=show', 'by'],
    ['/api/v1/reports/qoe?by=region&window=24h', 'window'],
    ['/api/v1/reports/timeline', 'show'],
    ['/api/v1/experiments/exp1?alpha=2', 'alpha'],
    ['/api/v1/experiments/exp1?method=magic', 'method'],
    ['/api/v1/experiments/exp1?correction=guess', 'correction'],
    ['/api/v1/experiments/exp1/cumulative?by=week', 'by'],
    ['/api/v1/experiments/exp1/cumulative?alpha=0', 'alpha'],
    ['/api/v1/reports/conversion-over-time?by=minute', 'by'],
    ['/api/v1/reports/conversion-over-time', 'by'],
    ['/api/v1/experiments?by=show', 'by'],
    ['/api/v1/experiments?from=nope', 'from'],
    ['/api/v1/health/data?creator=c1', 'creator'],
    ['/api/v1/health/data?to=never', 'to'],
  ])('%s → 400 naming %s', async (path, parameter) => {
    const res = await get(path);
    const body = (await res.json()) as { error: string };
    expect(res.status, body.error).toBe(400);
    expect(body.error).toMatch(new RegExp(`^${parameter}\\b|--${parameter}\\b|${parameter}`));
    expect(body.error.length).toBeGreaterThan(parameter.length + 5);
  });

  it('an unknown report or path is 404; an experiment never seen is 404', async () => {
    expect((await get('/api/v1/reports/revenue?by=creator')).status).toBe(404);
    expect((await get('/api/v1/experiments/no-such-exp')).status).toBe(404);
  });
});

describe('credentials', () => {
  it('401 without a credential, with a wrong token or a write key, and after the session expired', async () => {
    for (const path of ENDPOINTS.slice(0, 3).concat(['/api/v1/experiments', '/api/v1/health/data'])) {
      expect((await get(path, '')).status).toBe(401);
      expect((await get(path, 'not-a-token-0000000000')).status).toBe(401);
      expect((await get(path, WRITE_KEY)).status).toBe(401);
    }
    const signIn = await app.request(new Request('http://dash.test/api/v1/session', { method: 'POST', body: JSON.stringify({ token: ANALYST_TOKEN }) }));
    const cookie = `${SESSION_COOKIE}=${/livelens_session=([^;]+)/.exec(signIn.headers.get('set-cookie')!)![1]}`;
    expect((await get('/api/v1/reports/qoe?by=region', '', { cookie })).status).toBe(200);
    clock.t += 12 * 3_600_000;
    expect((await get('/api/v1/reports/qoe?by=region', '', { cookie })).status).toBe(401);
  });
});

describe('retailer scoping', () => {
  it('a retailer token sees only its retailer in every report, list and format', async () => {
    for (const path of ENDPOINTS.filter((p) => !p.includes('/experiments/'))) {
      const body = await json(path, R1_TOKEN);
      for (const row of body.rows) expect(row.retailer_id, path).toBe('r1');
      if (path.startsWith('/api/v1/reports/')) expect((body.params as Record<string, unknown>).retailer_id, path).toBe('r1');
    }
    const all = await json('/api/v1/reports/conversion?by=creator', ADMIN_TOKEN);
    expect(new Set(all.rows.map((r) => r.retailer_id))).toEqual(new Set(['r1', 'r2']));
    const arrow = await get('/api/v1/reports/conversion?by=creator&format=arrow', R2_TOKEN);
    const ids = tableFromIPC(new Uint8Array(await arrow.arrayBuffer())).getChild('retailer_id')!.toArray() as string[];
    expect(new Set(ids)).toEqual(new Set(['r2']));
    const csv = await (await get('/api/v1/reports/conversion?by=creator&format=csv', R2_TOKEN)).text();
    expect(csv).not.toMatch(/\br1\b/);
  });

  it('another retailer is 403; another retailer\'s ids find nothing (404 for an experiment)', async () => {
    const denied = await get('/api/v1/reports/conversion?by=creator&retailer=r2', R1_TOKEN);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: string }).error).toMatch(/r2/);
    expect((await get('/api/v1/health/data?retailer=r2', R1_TOKEN)).status).toBe(403);
    expect((await get('/api/v1/reports/conversion?by=creator&retailer=r1', R1_TOKEN)).status).toBe(200);
    expect((await json('/api/v1/reports/timeline?show=s2', R1_TOKEN)).rows).toEqual([]);
    expect((await json('/api/v1/reports/timeline?show=s2', R2_TOKEN)).rows.length).toBeGreaterThan(0);
    expect((await get('/api/v1/experiments/exp-r2', R1_TOKEN)).status).toBe(404);
    expect((await get('/api/v1/experiments/exp-r2', R2_TOKEN)).status).toBe(200);
    const list = await json('/api/v1/experiments', R1_TOKEN);
    expect(list.rows.map((r) => r.experiment_id)).not.toContain('exp-r2');
  });

  it('the cache never answers one scope with another\'s result', async () => {
    const path = '/api/v1/reports/audience?by=creator';
    const admin = await get(path, ADMIN_TOKEN);
    const again = await get(path, ADMIN_TOKEN);
    expect(again.headers.get('x-livelens-cache')).toBe('hit');
    expect(await again.json()).toEqual(await admin.json());
    const r2 = await get(path, R2_TOKEN);
    expect(r2.headers.get('x-livelens-cache')).toBe('miss');
    for (const row of ((await r2.json()) as { rows: Array<{ retailer_id: string }> }).rows) expect(row.retailer_id).toBe('r2');
    // An admin asking for r2 explicitly gets the same rows as the r2 token.
    expect(await json(`${path}&retailer=r2`, ADMIN_TOKEN)).toEqual(await json(path, R2_TOKEN));
  });
});

describe('data health', () => {
  it('counts accepted, rejected by reason, duplicates and order lines per retailer and day', async () => {
    const body = (await json('/api/v1/health/data')) as unknown as { rows: Array<Record<string, unknown>>; rejections: Array<Record<string, unknown>> };
    const r1 = body.rows.find((r) => r.retailer_id === 'r1' && r.day === '2026-11-01')!;
    expect(r1).toMatchObject({ events_rejected: 1, order_lines_imported: 4, order_lines_refused: 1 });
    // The fixture delivers one exposure twice (same event_id): a duplicate in the lake.
    expect(r1.duplicates_dropped).toBe(1);
    expect(body.rejections).toContainEqual({ retailer_id: 'r1', day: '2026-11-01', reason: 'event_time', events: 1 });
    expect(body.rejections).toContainEqual({ retailer_id: 'r2', day: '2026-11-01', reason: 'type', events: 1 });
    const scoped = (await json('/api/v1/health/data', R2_TOKEN)) as unknown as { rows: Array<Record<string, unknown>>; rejections: Array<Record<string, unknown>> };
    expect(scoped.rows.every((r) => r.retailer_id === 'r2')).toBe(true);
    expect(scoped.rejections.every((r) => r.retailer_id === 'r2')).toBe(true);
  });
});
