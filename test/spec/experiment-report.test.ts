/**
 * docs/spec.md §4 (experiments), black box: exposures, clicks and orders posted to a real
 * `livelens serve`, landed, and `livelens report experiment ID` checked for assignment by
 * first exposure, exclusion of viewers seen in two variants, and the converted metric.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jstat from 'jstat';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDir, runCli, startServe } from './cli-harness.ts';

const { jStat } = jstat;
const KEY = 'specExpKey-iiii';
const MINUTE_MS = 60_000;
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / 1000) * 1000;

type Json = Record<string, unknown>;

let counter = 0;
function ev(viewer: string, type: string, at: number, props: Json = {}, extra: Json = {}): Json {
  counter += 1;
  return {
    event_id: `exp_${viewer}_${type}_${counter}`,
    type,
    ts: at,
    viewer_id: viewer,
    session_id: `s_${viewer}`,
    show_id: 'xshow',
    creator_id: 'xcreator',
    user_id: `u_${viewer}`,
    props,
    ...extra,
  };
}

const CONTROL = ['c1', 'c2', 'c3', 'c4'];
const TREATMENT = ['t1', 't2', 't3', 't4'];
const BUYERS = ['c1', 't1', 't2'];
const EARLY_BUYER = 'c5';

function events(): Json[] {
  const all: Json[] = [];
  for (const viewer of CONTROL) all.push(ev(viewer, 'exposure', T0, { experiment_id: 'exp1', variant: 'control' }));
  for (const viewer of TREATMENT) all.push(ev(viewer, 'exposure', T0, { experiment_id: 'exp1', variant: 'treatment' }));
  // Seen in both variants: excluded and counted.
  all.push(ev('m1', 'exposure', T0, { experiment_id: 'exp1', variant: 'control' }));
  all.push(ev('m1', 'exposure', T0 + MINUTE_MS, { experiment_id: 'exp1', variant: 'treatment' }));
  // Assigned through the experiments field of its first event.
  all.push(ev('t5', 'session_start', T0, {}, { experiments: { exp1: 'treatment' } }));
  for (const viewer of BUYERS) {
    all.push(ev(viewer, 'click_to_buy', T0 + 2 * MINUTE_MS, { product_id: 'p', offer_id: 'o', click_id: `ck_${viewer}` }));
  }
  // Bought before being exposed: metrics count from exposure on, so not converted.
  all.push(ev(EARLY_BUYER, 'click_to_buy', T0 + 2 * MINUTE_MS, { product_id: 'p', offer_id: 'o', click_id: `ck_${EARLY_BUYER}` }));
  all.push(ev(EARLY_BUYER, 'exposure', T0 + 30 * MINUTE_MS, { experiment_id: 'exp1', variant: 'control' }));
  return all;
}

let dataDir = '';
let output: Json = {};
let rawStdout = '';

beforeAll(async () => {
  dataDir = await makeDataDir();
  const serve = await startServe(['--data-dir', dataDir, '--port', '0', '--write-keys', `${KEY}@rx`]);
  try {
    const batch = events();
    const response = await fetch(`${serve.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': KEY },
      body: JSON.stringify({ sent_at: Date.now(), events: batch }),
    });
    expect(await response.json()).toEqual({ accepted: batch.length, rejected: [] });
  } finally {
    await serve.stop();
  }
  const ingest = await runCli(['ingest', '--once', '--data-dir', dataDir]);
  expect(ingest.code, ingest.stderr).toBe(0);
  const orders = join(dataDir, 'orders.csv');
  const lines = [...BUYERS, EARLY_BUYER].map((viewer, i) => `X${i},${new Date(T0 + 10 * MINUTE_MS).toISOString()},u_${viewer},ck_${viewer},p,1,10,EUR`);
  await writeFile(orders, ['order_id,ts,user_id,click_id,product_id,quantity,unit_price,currency', ...lines].join('\n'));
  const imported = await runCli(['orders', 'import', orders, '--retailer', 'rx', '--data-dir', dataDir]);
  expect(imported.code, imported.stderr).toBe(0);
  const result = await runCli(['report', 'experiment', 'exp1', '--format', 'json', '--data-dir', dataDir]);
  expect(result.code, result.stderr).toBe(0);
  rawStdout = result.stdout;
  output = JSON.parse(result.stdout) as Json;
}, 120_000);

afterAll(async () => {
  await removeDir(dataDir);
});

type Row = Record<string, unknown>;

function convertedRow(): Row | undefined {
  return (output['rows'] as Row[]).find((row) => row['metric'] === 'converted' && row['variant'] === 'treatment');
}

describe('report experiment ID', () => {
  it('prints {"rows": [...]}', () => {
    expect(Array.isArray(output['rows'])).toBe(true);
    expect((output['rows'] as unknown[]).length).toBeGreaterThan(0);
  });

  it('assigns by first exposure or experiments field, excludes and counts viewers seen in two variants', () => {
    expect(rawStdout).toMatch(/exclu/i);
    expect(output['excluded_viewers']).toBe(1);
    const row = convertedRow();
    expect(Number(row?.['viewers'])).toBe(5);
  });

  it('converted from exposure on: proportions 1/5 vs 2/5 with a Welch interval on p(1-p) variances', () => {
    const row = convertedRow();
    const [pA, nA, pB, nB] = [0.2, 5, 0.4, 5];
    expect(Number(row?.['mean'])).toBeCloseTo(pB, 12);
    expect(Number(row?.['control_mean'])).toBeCloseTo(pA, 12);
    const [varA, varB] = [pA * (1 - pA), pB * (1 - pB)];
    const se = Math.sqrt(varA / nA + varB / nB);
    const df = (varA / nA + varB / nB) ** 2 / ((varA / nA) ** 2 / (nA - 1) + (varB / nB) ** 2 / (nB - 1));
    const critical = jStat.studentt.inv(0.975, df);
    expect(Number(row?.['absolute_lift'])).toBeCloseTo(pB - pA, 12);
    expect(Number(row?.['absolute_ci_low'])).toBeCloseTo(pB - pA - critical * se, 6);
    expect(Number(row?.['absolute_ci_high'])).toBeCloseTo(pB - pA + critical * se, 6);
    const absoluteP = 2 * (1 - jStat.studentt.cdf((pB - pA) / se, df));
    // docs/spec.md §6 relative effect and its delta-method variance.
    const relative = (pB - pA) / Math.abs(pA);
    const relativeSe = Math.sqrt(varB / (nB * pA ** 2) + (varA * pB ** 2) / (nA * pA ** 4));
    expect(Number(row?.['relative_lift'])).toBeCloseTo(relative, 12);
    expect(Number(row?.['relative_ci_high']) - Number(row?.['relative_ci_low'])).toBeCloseTo(2 * critical * relativeSe, 6);
    // p_value is the test of the reported (relative) effect; the absolute one sits beside it when given.
    const relativeP = 2 * (1 - jStat.studentt.cdf(relative / relativeSe, df));
    expect(Number(row?.['p_value'])).toBeCloseTo(relativeP, 6);
    if (row && 'absolute_p_value' in row) expect(Number(row['absolute_p_value'])).toBeCloseTo(absoluteP, 6);
  });

  it('checks the sample ratio against equal weights', () => {
    // 5 vs 5 viewers: no mismatch.
    expect(Number(output['srm_p_value'])).toBeCloseTo(1, 9);
  });
});
