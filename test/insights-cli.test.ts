/**
 * The insight report commands as people run them: `--region` narrows
 * qoe-impact, the revenue-at-risk formula is stated under the table and in
 * JSON but never inside CSV, `timeline` needs `--show`, and a wrong `--by`
 * names the allowed values.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVENUE_AT_RISK_FORMULA } from '../pipeline/reports/index.ts';
import { eventRow, MINUTE_MS, orderRow, T0, tempDataDir, writeLakeTable } from './queries-fixtures.ts';
import { runCli } from './spec/cli-harness.ts';

let dataDir = '';

beforeAll(async () => {
  dataDir = tempDataDir();
  await writeLakeTable(dataDir, 'events', [
    // US: va watches cleanly and buys (20 USD); vb rebuffers 2% and does not buy.
    eventRow({ type: 'heartbeat', viewer_id: 'va', session_id: 'sa', watch_ms: 60_000, event_time: T0 }),
    eventRow({ type: 'click_to_buy', viewer_id: 'va', session_id: 'sa', user_id: 'ua', product_id: 'p1', click_id: 'k1', event_time: T0 + MINUTE_MS }),
    eventRow({ type: 'heartbeat', viewer_id: 'vb', session_id: 'sb', watch_ms: 49_000, event_time: T0 }),
    eventRow({ type: 'buffer_end', viewer_id: 'vb', session_id: 'sb', buffer_ms: 1000, event_time: T0 }),
    // DE: vc watches cleanly.
    eventRow({ type: 'heartbeat', viewer_id: 'vc', session_id: 'sc', region: 'DE', watch_ms: 60_000, event_time: T0 }),
  ]);
  await writeLakeTable(dataDir, 'orders', [
    orderRow({ order_id: 'O1', ts: T0 + 2 * MINUTE_MS, user_id: 'ua', click_id: 'k1', product_id: 'p1', quantity: 2, unit_price: 10 }),
  ]);
}, 30_000);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const report = (args: string[]) => runCli(['report', ...args, '--data-dir', dataDir]);

describe('livelens report qoe-impact', () => {
  it('--region keeps only that region\'s pairs; JSON states the formula beside the rows', async () => {
    const result = await report(['qoe-impact', '--by', 'rebuffer', '--region', 'US', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as { rows: Array<Record<string, unknown>>; revenue_at_risk_formula: string };
    // 1 worse pair × (1/1 − 0/1) × 20 = 20 USD at risk.
    expect(parsed.rows.map((r) => [r.region, r.bucket, r.currency, r.viewers, r.buyers, r.revenue_at_risk])).toEqual([
      ['US', 'none', 'USD', 1, 1, 20],
      ['US', 'medium', null, 1, 0, null],
    ]);
    expect(parsed.revenue_at_risk_formula).toBe(REVENUE_AT_RISK_FORMULA);
  });

  it('table: the formula under the rows; csv: rows only', async () => {
    const [table, csv] = await Promise.all([
      report(['qoe-impact', '--by', 'rebuffer']),
      report(['qoe-impact', '--by', 'rebuffer', '--format', 'csv']),
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.trimEnd().endsWith(REVENUE_AT_RISK_FORMULA)).toBe(true);
    expect(table.stdout).toContain('DE');
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).not.toContain('revenue_at_risk =');
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'retailer_id,region,bucket,currency,viewers,buyers,revenue,conversion_rate,revenue_per_viewer,revenue_at_risk,conversion_rate_ci_low,conversion_rate_ci_high',
    );
  });

  it('a wrong --by names the allowed values', async () => {
    const result = await report(['qoe-impact', '--by', 'bitrate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/rebuffer, latency, startup/);
  });
});

describe('livelens report timeline', () => {
  it('needs --show', async () => {
    const result = await report(['timeline']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--show/);
  });

  it('--show: the minute rows of that show', async () => {
    const result = await report(['timeline', '--show', 's1', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const rows = (JSON.parse(result.stdout) as { rows: Array<Record<string, unknown>> }).rows;
    expect(rows.map((r) => [r.minute, r.concurrent_viewers, r.clicks, r.currency, r.revenue])).toEqual([
      [T0, 3, 0, null, 0],
      [T0 + MINUTE_MS, 0, 1, 'USD', 20],
    ]);
  });
});

describe('livelens report audience', () => {
  it('--by creator in csv', async () => {
    const result = await report(['audience', '--by', 'creator', '--format', 'csv']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\r\n')[1]).toMatch(/^r1,c1,3,1,/);
  });
});
