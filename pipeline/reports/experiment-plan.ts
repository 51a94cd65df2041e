/**
 * What an experiment report analyses: its definition (if any) merged with
 * the command-line options, flags winning (docs/spec.md §4): unit, control,
 * planned weights, the variants it lists, metrics, guardrails and period.
 * An experiment without a definition is a viewer-level one with equal
 * weights, every metric and no guardrail.
 *
 * @example
 * experimentPlan(definition, { weights: { a: 1, b: 3 } }) // { unit: 'show', weights: { a: 1, b: 3 }, ... }
 */
import { srmPValue } from '../../stats/srm.ts';
import {
  EXPERIMENT_METRIC_NAMES, type ExperimentDefinition, type ExperimentMetricName, type ExperimentUnit, type GuardrailName,
} from './experiment-definitions.ts';

export interface ExperimentPlan {
  unit: ExperimentUnit;
  name: string | null;
  hypothesis: string | null;
  control: string | undefined;
  /** Planned weights by variant; undefined = equal over the variants seen. */
  weights: Record<string, number> | undefined;
  /** Variants the definition lists (exposures to others are excluded); undefined = any. */
  listed: string[] | undefined;
  metrics: ExperimentMetricName[];
  guardrails: GuardrailName[];
  fromMs: number | undefined;
  toMs: number | undefined;
}

/** Options that may override the definition. */
export interface PlanOverrides {
  control?: string;
  weights?: Record<string, number>;
  fromMs?: number;
  toMs?: number;
}

/** The definition with the flags laid over it. */
export function experimentPlan(definition: ExperimentDefinition | undefined, o: PlanOverrides): ExperimentPlan {
  if (definition === undefined) {
    return {
      unit: 'viewer', name: null, hypothesis: null, control: o.control, weights: o.weights, listed: undefined,
      metrics: [...EXPERIMENT_METRIC_NAMES], guardrails: [], fromMs: o.fromMs, toMs: o.toMs,
    };
  }
  const planned = Object.fromEntries(definition.variants.map((v) => [v.id, v.weight]));
  const listed = definition.variants.map((v) => v.id);
  for (const extra of Object.keys(o.weights ?? {})) if (!listed.includes(extra)) listed.push(extra);
  return {
    unit: definition.unit,
    name: definition.name,
    hypothesis: definition.hypothesis,
    control: o.control ?? definition.control,
    weights: o.weights ?? planned,
    listed,
    metrics: definition.metrics,
    guardrails: definition.guardrails,
    fromMs: o.fromMs ?? definition.startMs ?? undefined,
    toMs: o.toMs ?? definition.endMs ?? undefined,
  };
}

/** The `$variants` query parameter: `,a,b,` for the listed variants, `''` for any. */
export function listedVariantsParameter(listed: readonly string[] | undefined): string {
  return listed === undefined ? '' : `,${listed.join(',')},`;
}

/** The period the plan sets, as report filters (only the bounds it has). */
export function definedPeriod(plan: ExperimentPlan): { fromMs?: number; toMs?: number } {
  return { ...(plan.fromMs !== undefined ? { fromMs: plan.fromMs } : {}), ...(plan.toMs !== undefined ? { toMs: plan.toMs } : {}) };
}

/** The variant taken as control when none is named and a variant has this name. */
export const DEFAULT_CONTROL_NAME = 'control';

/**
 * Variants of the report, control first: with a definition, its listed
 * variants in the listed order; else every variant seen or given a weight,
 * by name. The control must be one of them.
 */
export function variantsInOrder(seen: readonly string[], plan: Pick<ExperimentPlan, 'listed' | 'control' | 'weights'>): string[] {
  const names = plan.listed ?? [...new Set([...seen, ...Object.keys(plan.weights ?? {})])].sort();
  const chosen = plan.control ?? (names.includes(DEFAULT_CONTROL_NAME) ? DEFAULT_CONTROL_NAME : names[0]);
  if (chosen === undefined) return [];
  if (!names.includes(chosen)) {
    const what = plan.listed ? 'is not a variant of the definition' : 'was not seen in the experiment';
    throw new Error(`control variant "${chosen}" ${what}; ${plan.listed ? 'variants' : 'seen'}: ${names.join(', ') || 'none'}`);
  }
  return [chosen, ...names.filter((n) => n !== chosen)];
}

/** Units per variant against the planned weights (equal when none): shares and the SRM p-value. */
export function sampleRatio(variants: readonly string[], counts: readonly number[], weights: Record<string, number> | undefined) {
  const planned = variants.map((v) => (weights ? weights[v] ?? 0 : 1));
  const total = counts.reduce((s, c) => s + c, 0);
  const totalWeight = planned.reduce((s, w) => s + w, 0);
  return {
    p_value: srmPValue(counts, planned),
    assignments: variants.map((variant, i) => ({
      variant,
      count: counts[i] as number,
      planned_share: totalWeight > 0 ? (planned[i] as number) / totalWeight : 0,
      observed_share: total > 0 ? (counts[i] as number) / total : 0,
    })),
  };
}
