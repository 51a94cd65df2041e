/**
 * The plan the live sample-ratio test (`srm`, docs/spec.md §9) checks an
 * experiment against, from the experiment definitions the reports use
 * (docs/spec.md §4; `serve` reads `<data dir>/experiments.json`, as the
 * dashboard does): a viewer-level experiment's planned weights; `null` for a
 * show-level one, whose units are shows (the live view counts viewers per
 * variant, which no plan fixes there, so no live test); `undefined` without a
 * definition (equal weights). The file is read again when it changes
 * (checked at most every PLAN_RECHECK_MS); a file the reports would refuse
 * is logged once and treated as absent.
 *
 * @example
 * const weightsOf = plannedWeightsFrom('.livelens/experiments.json', log);
 * weightsOf('acme', 'exp-checkout') // { control: 0.6, treatment: 0.4 }, null (show-level) or undefined
 */
import { statSync, readFileSync } from 'node:fs';
import type { Logger } from '../../collector/log.ts';
import { checkDefinitionsFileSize, definitionsFromText } from '../../pipeline/reports/experiment-definitions.ts';
import type { EvaluatorOptions } from './evaluator.ts';

/** The definitions file is checked for changes at most this often. */
export const PLAN_RECHECK_MS = 10_000;

/** Planned weights by variant id; null: no live sample-ratio test; undefined: no plan (equal weights). */
export type PlannedWeights = NonNullable<EvaluatorOptions['weightsOf']>;

/** Reads the plans of `file` (which may appear, change or go away while serving). */
export function plannedWeightsFrom(file: string, log?: Logger, now: () => number = Date.now): PlannedWeights {
  let plans = new Map<string, Record<string, number> | null>();
  let checkedAt = -Infinity;
  let version = '';
  let refused = '';
  const refresh = () => {
    if (now() - checkedAt < PLAN_RECHECK_MS) return;
    checkedAt = now();
    let size: number;
    try {
      const st = statSync(file);
      size = st.size;
      const stamp = `${st.mtimeMs}:${st.size}`;
      if (stamp === version) return;
      version = stamp;
    } catch {
      plans = new Map();
      version = '';
      return;
    }
    try {
      checkDefinitionsFileSize(file, size);
      const defs = definitionsFromText(readFileSync(file, 'utf8'), file);
      plans = new Map([...defs.values()].map((d) => [d.id, d.unit === 'show' ? null : Object.fromEntries(d.variants.map((v) => [v.id, v.weight]))]));
      refused = '';
    } catch (err) {
      plans = new Map();
      const message = (err as Error).message;
      if (message !== refused) log?.warn({ file, err: message }, 'live srm alert: experiment definitions refused; equal weights until the file is fixed');
      refused = message;
    }
  };
  // Definitions name experiments, not retailers: every retailer's experiment of that id has the plan.
  return (_retailerId, experimentId) => {
    refresh();
    return plans.get(experimentId);
  };
}
