import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertEvaluator } from './evaluator.ts';
import { PLAN_RECHECK_MS, plannedWeightsFrom } from './planned-weights.ts';

const dir = mkdtempSync(join(tmpdir(), 'livelens-plans-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VIEWER_LEVEL = { id: 'exp-price', variants: [{ id: 'A', weight: 60 }, { id: 'B', weight: 40 }] };
const SHOW_LEVEL = { id: 'exp-format', unit: 'show', variants: [{ id: 'short', weight: 1 }, { id: 'long', weight: 1 }] };

describe('the live srm alert\'s plans from the experiment definitions', () => {
  it('weights for a viewer-level experiment, null for a show-level one, undefined without a definition; re-read when the file changes', () => {
    const file = join(dir, 'experiments.json');
    let clock = 1_000_000;
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const weightsOf = plannedWeightsFrom(file, log, () => clock);
    expect(weightsOf('acme', 'exp-price')).toBeUndefined(); // no file yet
    writeFileSync(file, JSON.stringify([VIEWER_LEVEL, SHOW_LEVEL]));
    expect(weightsOf('acme', 'exp-price')).toBeUndefined(); // not looked at again before PLAN_RECHECK_MS
    clock += PLAN_RECHECK_MS;
    expect(weightsOf('acme', 'exp-price')).toEqual({ A: 60, B: 40 });
    expect(weightsOf('globex', 'exp-format')).toBeNull();
    expect(weightsOf('acme', 'exp-unknown')).toBeUndefined();

    // A file the reports would refuse: logged once, no plans until it is fixed.
    writeFileSync(file, JSON.stringify([{ id: 'exp-price', variants: 'A,B' }]));
    clock += PLAN_RECHECK_MS;
    expect(weightsOf('acme', 'exp-price')).toBeUndefined();
    clock += PLAN_RECHECK_MS;
    weightsOf('acme', 'exp-price'); // unchanged: not logged again
    writeFileSync(file, '[{"id": "exp-price",');
    clock += PLAN_RECHECK_MS;
    expect(weightsOf('acme', 'exp-price')).toBeUndefined();
    expect(lines.filter((l) => l.includes('experiment definitions refused'))).toHaveLength(2); // one line per error
    writeFileSync(file, JSON.stringify([{ ...VIEWER_LEVEL, variants: [{ id: 'A', weight: 1 }, { id: 'B', weight: 3 }] }]));
    clock += PLAN_RECHECK_MS;
    expect(weightsOf('acme', 'exp-price')).toEqual({ A: 1, B: 3 });
  });

  it('the evaluator tests against the plan and leaves show-level experiments out', () => {
    const file = join(dir, 'plans.json');
    writeFileSync(file, JSON.stringify([VIEWER_LEVEL, SHOW_LEVEL]));
    const ev = new AlertEvaluator({ rules: [], minViewers: 20, cooldownS: 600, weightsOf: plannedWeightsFrom(file) });
    const counts = (experiment_id: string, variants: Record<string, number>) => ({ retailer_id: 'acme', experiment_id, variants, last_seen: 0 });
    const snap = { at: 1, window_s: 300, groups: [], shows: [] };
    // 600/400 is the 60/40 plan (equal weights would flag it); 300/700 viewers of a show-level experiment are no sample ratio.
    expect(ev.evaluate(snap, [counts('exp-price', { A: 600, B: 400 }), counts('exp-format', { short: 300, long: 700 })])).toEqual([]);
    expect(ev.evaluate(snap, [counts('exp-price', { A: 500, B: 500 })])).toMatchObject([{ status: 'firing', rule: 'srm', experiment_id: 'exp-price' }]);
  });
});
