/**
 * SQL injection and scoping through the data API (docs/spec.md §8): every
 * report parameter, the report name and the experiment id take hostile
 * text; every answer is 200 (the text bound as a value: no rows, or only
 * the caller's), 400, 403 or 404, never a 5xx; a retailer token never sees
 * another retailer's row, in any format; and the lake is the same after.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, parseDashboardTokens } from '../../dashboard/access/index.ts';
import { createDashboardApp } from '../../dashboard/app.ts';
import { SharedEngine } from '../../dashboard/api/shared-engine.ts';
import { ADMIN_TOKEN, R1_TOKEN, TOKENS, WRITE_KEY, writeApiFixture } from '../dashboard/api-fixture.ts';

/** Texts that would change a query if they were spliced into it. */
export const INJECTIONS = [
  "' OR '1'='1",
  "r1' OR retailer_id <> 'r1",
  "x'; DROP TABLE lake_events; --",
  "x' UNION SELECT * FROM lake_events --",
  '1; DELETE FROM lake_orders',
  '$retailer_id',
  '"; SELECT 1; --',
  "\\' OR 1=1 --",
  "r2'--",
  "'); COPY (SELECT 1) TO '/tmp/pwned.csv'; --",
];
const PARAMETERS = ['retailer', 'creator', 'show', 'region', 'from', 'to', 'window', 'by', 'format'];
const REPORTS = ['conversion?by=creator', 'qoe?by=region', 'qoe-impact?by=rebuffer', 'audience?by=creator', 'timeline?show=s2'];
const ALLOWED = new Set([200, 400, 403, 404, 406]);

let dataDir: string;
let engine: SharedEngine;
let app: ReturnType<typeof createDashboardApp>;
beforeAll(async () => {
  dataDir = await writeApiFixture();
  engine = new SharedEngine({ dataDir });
  const access = createAccess({ tokens: parseDashboardTokens(TOKENS), writeKeys: [WRITE_KEY] });
  app = createDashboardApp({ access, dataDir, engine });
});
afterAll(async () => {
  await engine?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const get = (path: string, token: string, accept = 'application/json') => app.request(new Request(`http://dash.test${path}`, { headers: { authorization: `Bearer ${token}`, accept } }));

describe('data API: hostile parameters are bound, never spliced', () => {
  it('every report parameter, report name and experiment id: a documented status, never a 5xx; a retailer token sees only its rows', async () => {
    const before = await (await get('/api/v1/reports/conversion?by=creator', ADMIN_TOKEN)).text();
    const paths: string[] = [];
    // Every parameter with every text on one report; the other reports (same parameter binding) with a few texts.
    const add = (report: string, p: string, text: string) => paths.push(`/api/v1/reports/${report}&${p}=${encodeURIComponent(text)}`);
    for (const p of PARAMETERS) for (const text of INJECTIONS.slice(0, 5)) add(REPORTS[0]!, p, text);
    for (const report of REPORTS.slice(1)) for (const text of INJECTIONS.slice(0, 2)) add(report, 'show', text);
    for (const text of INJECTIONS) paths.push(`/api/v1/reports/${encodeURIComponent(text)}`, `/api/v1/experiments/${encodeURIComponent(text)}`, `/api/v1/experiments?retailer=${encodeURIComponent(text)}`);
    for (const path of paths) {
      for (const token of [R1_TOKEN]) {
        const res = await get(path, token);
        const text = await res.text();
        expect(ALLOWED.has(res.status), `${res.status} for ${path}: ${text.slice(0, 200)}`).toBe(true);
        if (res.status !== 200) {
          expect((JSON.parse(text) as { error?: string }).error, path).toBeTruthy();
          continue;
        }
        if (token === R1_TOKEN) {
          const body = JSON.parse(text) as { rows?: Array<{ retailer_id?: unknown }> };
          for (const row of body.rows ?? []) expect(row.retailer_id, path).toBe('r1');
        }
      }
    }
    // An admin sees every retailer: a spliced `retailer` would return them all; bound, it names no retailer.
    for (const text of INJECTIONS) {
      const res = await get(`/api/v1/reports/conversion?by=creator&retailer=${encodeURIComponent(text)}`, ADMIN_TOKEN);
      expect([200, 400]).toContain(res.status);
      if (res.status === 200) expect(((await res.json()) as { rows: unknown[] }).rows, text).toEqual([]);
    }
    expect(await (await get('/api/v1/reports/conversion?by=creator', ADMIN_TOKEN)).text()).toBe(before); // nothing dropped or changed
  }, 120_000);

  it('a retailer token gets only its own rows in json and csv, whatever retailer it asks for', async () => {
    for (const report of REPORTS) {
      for (const ask of ['', '&retailer=r2', `&retailer=${encodeURIComponent("r1' OR '1'='1")}`]) {
        const path = `/api/v1/reports/${report}${ask}`;
        const json = await get(path, R1_TOKEN);
        expect([200, 403]).toContain(json.status);
        if (json.status === 200) for (const row of ((await json.json()) as { rows: Array<{ retailer_id: unknown }> }).rows) expect(row.retailer_id, path).toBe('r1');
        const csv = await get(path, R1_TOKEN, 'text/csv');
        expect([200, 403]).toContain(csv.status);
        if (csv.status === 200) {
          const [header, ...lines] = (await csv.text()).trim().split('\n');
          const col = header!.split(',').indexOf('retailer_id');
          for (const line of lines.filter(Boolean)) expect(line.split(',')[col], path).toBe('r1');
        }
      }
    }
  }, 60_000);
});
