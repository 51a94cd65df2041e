/** The experiment definitions file (docs/spec.md §§4 and 7): defaults, every error, and where the file is found. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  experimentsFileFor, loadExperimentDefinitions, parseExperimentDefinitions, ExperimentDefinitionError,
} from './experiment-definitions.ts';
import { experimentPlan, listedVariantsParameter } from './experiment-plan.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livelens-defs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const minimal = { id: 'e1', variants: [{ id: 'a' }, { id: 'b' }] };
const parseOne = (entry: Record<string, unknown>) => parseExperimentDefinitions([entry], 'defs.json').get(String(entry.id))!;
const errorOf = (entry: unknown): string => {
  try {
    parseExperimentDefinitions([entry], 'defs.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ExperimentDefinitionError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('parseExperimentDefinitions', () => {
  it('fills the defaults: viewer unit, equal weights, first variant (or "control") as control, every metric, no guardrail, open period', () => {
    expect(parseOne(minimal)).toEqual({
      id: 'e1', name: null, hypothesis: null, unit: 'viewer', variants: [{ id: 'a', weight: 1 }, { id: 'b', weight: 1 }],
      control: 'a', metrics: ['converted', 'revenue', 'watch_minutes', 'clicks'], guardrails: [], startMs: null, endMs: null,
    });
    expect(parseOne({ id: 'e2', variants: [{ id: 'x' }, { id: 'control' }] }).control).toBe('control');
  });

  it('reads every field: show unit, weights, guardrails, ISO and epoch-ms period', () => {
    const d = parseOne({
      id: 'show-length', name: 'Long shows', hypothesis: 'longer shows convert better per viewer', unit: 'show',
      variants: [{ id: 'short', weight: 1 }, { id: 'long', weight: 3 }], control: 'short',
      metrics: ['converted', 'revenue'], guardrails: ['rebuffer_pct', 'playback_failure_pct', 'clicks'],
      start: '2026-11-01T00:00:00Z', end: Date.UTC(2026, 10, 8),
    });
    expect(d).toMatchObject({ unit: 'show', control: 'short', guardrails: ['rebuffer_pct', 'playback_failure_pct', 'clicks'] });
    expect(d.startMs).toBe(Date.UTC(2026, 10, 1));
    expect(d.endMs).toBe(Date.UTC(2026, 10, 8));
  });

  it('names the experiment and the field of each error, and what is allowed', () => {
    expect(errorOf({ ...minimal, metrics: ['converted', 'revenu'] })).toBe(
      'defs.json: experiment "e1": metrics[1] "revenu" is not a known metric; allowed: converted, revenue, watch_minutes, clicks',
    );
    expect(errorOf({ ...minimal, guardrails: ['latency'] })).toMatch(/guardrails\[0\] "latency" is not a known metric; allowed: .*rebuffer_pct, playback_failure_pct, ebvs_pct/);
    expect(errorOf({ ...minimal, variants: [{ id: 'a', weight: 0 }, { id: 'b', weight: 0 }] })).toMatch(/"e1": variant weights add up to 0; they must add up to a positive number/);
    expect(errorOf({ ...minimal, variants: [{ id: 'a', weight: -1 }, { id: 'b', weight: 2 }] })).toMatch(/variants\[0\]\.weight must be a finite number, 0 or more, got -1/);
    expect(errorOf({ ...minimal, variants: [{ id: 'a', weight: 1 }, { id: 'b' }] })).toMatch(/give a weight to every variant or to none/);
    expect(errorOf({ ...minimal, control: 'c' })).toBe('defs.json: experiment "e1": control "c" is not one of the variants (a, b)');
    expect(errorOf({ ...minimal, start: '2026-11-08', end: '2026-11-01' })).toMatch(/start \(2026-11-08T00:00:00.000Z\) must be before end .*\[start, end\)/);
    expect(errorOf({ ...minimal, start: 'yesterday' })).toMatch(/"e1": start: time "yesterday" is not ISO 8601/);
    expect(errorOf({ ...minimal, unit: 'session' })).toMatch(/unit "session" is not allowed: use "viewer" or "show"/);
    expect(errorOf({ ...minimal, wieghts: [1, 1] })).toMatch(/unknown field "wieghts"; allowed: id, name, hypothesis, unit/);
    expect(errorOf({ ...minimal, metrics: ['clicks'], guardrails: ['clicks'] })).toMatch(/"clicks" is both a metric and a guardrail/);
    expect(errorOf({ variants: minimal.variants })).toMatch(/^defs.json: entry 0: id must be a non-empty string/);
    expect(errorOf({ id: 'e1', variants: [{ id: 'a' }] })).toMatch(/variants must be a list of at least two/);
    expect(errorOf({ id: 'e1', variants: [{ id: 'a' }, { id: 'a' }] })).toMatch(/variants lists "a" twice/);
    expect(errorOf({ id: 'e1', variants: [{ id: 'a,b' }, { id: 'c' }] })).toMatch(/variants\[0\]\.id "a,b" may not contain/);
    expect(() => parseExperimentDefinitions([minimal, minimal], 'defs.json')).toThrow(/experiment "e1" is defined twice/);
    expect(() => parseExperimentDefinitions({ experiments: [] }, 'defs.json')).toThrow(/must be a JSON list of experiments/);
  });
});

describe('the definitions file', () => {
  it('is read from the named path, which must exist and hold JSON', async () => {
    const file = path.join(dir, 'named.json');
    fs.writeFileSync(file, JSON.stringify([minimal]));
    expect([...(await loadExperimentDefinitions(file)).keys()]).toEqual(['e1']);
    await expect(loadExperimentDefinitions(path.join(dir, 'missing.json'))).rejects.toThrow(/missing.json not found \(LIVELENS_EXPERIMENTS/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '[{');
    await expect(loadExperimentDefinitions(path.join(dir, 'bad.json'))).rejects.toThrow(/bad.json: not JSON/);
  });

  it('defaults to <data dir>/experiments.json only when present', () => {
    const dataDir = fs.mkdtempSync(path.join(dir, 'data-'));
    expect(experimentsFileFor(undefined, dataDir)).toBeNull();
    fs.writeFileSync(path.join(dataDir, 'experiments.json'), '[]');
    expect(experimentsFileFor(undefined, dataDir)).toBe(path.join(dataDir, 'experiments.json'));
    expect(experimentsFileFor('/elsewhere.json', dataDir)).toBe('/elsewhere.json');
  });
});

describe('experimentPlan', () => {
  const def = parseOne({ ...minimal, unit: 'show', variants: [{ id: 'a', weight: 1 }, { id: 'b', weight: 3 }], start: 1000, end: 2000 });

  it('takes weights, control, variants and period from the definition', () => {
    const plan = experimentPlan(def, {});
    expect(plan).toMatchObject({ unit: 'show', control: 'a', weights: { a: 1, b: 3 }, listed: ['a', 'b'], fromMs: 1000, toMs: 2000 });
    expect(listedVariantsParameter(plan.listed)).toBe(',a,b,');
  });

  it('lets flags override the file', () => {
    const plan = experimentPlan(def, { control: 'b', weights: { a: 1, b: 1 }, fromMs: 1500, toMs: 1800 });
    expect(plan).toMatchObject({ control: 'b', weights: { a: 1, b: 1 }, fromMs: 1500, toMs: 1800 });
  });

  it('without a definition: viewer unit, any variant, every metric, no guardrail', () => {
    const plan = experimentPlan(undefined, {});
    expect(plan).toMatchObject({ unit: 'viewer', listed: undefined, guardrails: [], weights: undefined });
    expect(listedVariantsParameter(plan.listed)).toBe('');
  });
});
