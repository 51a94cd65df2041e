/**
 * Evaluates the alert rules at each snapshot (docs/spec.md §9): a rule that
 * starts to hold for a (retailer, region) group with at least the minimum
 * audience fires; when it stops holding, the group disappears or falls under
 * the minimum audience, it resolves. The same rule and group fires again
 * only once the cool-down since its last firing has passed. Experiments
 * whose live sample-ratio test falls below p = 0.001 fire `srm` once.
 *
 * @example
 * const ev = new AlertEvaluator({ rules: parseAlertRules(DEFAULT_ALERT_RULES), minViewers: 20, cooldownS: 600 });
 * ev.evaluate(snapshot, view.experiments()) // [{ status: 'firing', rule: 'latency_p95_ms>8000', ... }]
 */
import { srmPValue, isSampleRatioMismatch } from '../../stats/srm.ts';
import type { LiveExperimentCounts, LiveRegionGroup, LiveSnapshot } from '../snapshot.ts';
import { ruleHolds, type AlertRule } from './rules.ts';

/** Experiments remembered as having fired `srm` (oldest forgotten first past this). */
export const MAX_SRM_FIRED = 10_000;
/** The live sample-ratio test needs at least this many viewers in an experiment (below, a chi-square is not trusted). */
export const MIN_SRM_VIEWERS = 100;

export interface RuleNotification {
  status: 'firing' | 'resolved';
  rule: string;
  metric: string;
  value: number | null;
  threshold: number;
  retailer_id: string;
  region: string;
  at: number;
}

export interface SrmNotification {
  status: 'firing';
  rule: 'srm';
  experiment_id: string;
  retailer_id: string;
  value: number;
  at: number;
}

export type AlertNotification = RuleNotification | SrmNotification;

export interface EvaluatorOptions {
  rules: readonly AlertRule[];
  minViewers: number;
  cooldownS: number;
  /** Planned weights of an experiment's variants (by variant id); equal weights when undefined; null: no live test (a show-level experiment). */
  weightsOf?: (retailerId: string, experimentId: string) => Record<string, number> | null | undefined;
}

interface RuleState {
  firing: boolean;
  lastFiredAt: number;
  rule: AlertRule;
  retailer_id: string;
  region: string;
}

export class AlertEvaluator {
  private readonly states = new Map<string, RuleState>();
  private readonly srmFired = new Set<string>();

  constructor(private readonly opts: EvaluatorOptions) {}

  /** The notifications this snapshot causes, firing and resolved. */
  evaluate(snapshot: LiveSnapshot, experiments: readonly LiveExperimentCounts[] = []): AlertNotification[] {
    const out: AlertNotification[] = [];
    const at = snapshot.at;
    const cooldownMs = this.opts.cooldownS * 1000;
    const present = new Set<string>();
    for (const g of snapshot.groups) {
      for (const rule of this.opts.rules) {
        const key = `${rule.text}\u0000${g.retailer_id}\u0000${g.region}`;
        present.add(key);
        const holds = g.concurrent_viewers >= this.opts.minViewers && ruleHolds(rule, g);
        const state = this.states.get(key);
        if (holds && !state?.firing) {
          if (state !== undefined && at - state.lastFiredAt < cooldownMs) continue; // quiet during the cool-down
          this.states.set(key, { firing: true, lastFiredAt: at, rule, retailer_id: g.retailer_id, region: g.region });
          out.push(notification('firing', rule, g, at));
        } else if (!holds && state?.firing) {
          state.firing = false;
          out.push(notification('resolved', rule, g, at));
        }
      }
    }
    for (const [key, state] of this.states) {
      if (state.firing && !present.has(key)) {
        // The group left the snapshot: nothing of it in the window any more.
        state.firing = false;
        out.push({ status: 'resolved', rule: state.rule.text, metric: state.rule.metric, value: null, threshold: state.rule.threshold, retailer_id: state.retailer_id, region: state.region, at });
      }
      if (!state.firing && at - state.lastFiredAt >= cooldownMs) this.states.delete(key);
    }
    out.push(...this.evaluateSrm(experiments, at));
    return out;
  }

  private evaluateSrm(experiments: readonly LiveExperimentCounts[], at: number): SrmNotification[] {
    const out: SrmNotification[] = [];
    for (const x of experiments) {
      const key = `${x.retailer_id}\u0000${x.experiment_id}`;
      if (this.srmFired.has(key)) continue;
      const planned = this.opts.weightsOf?.(x.retailer_id, x.experiment_id);
      if (planned === null) continue; // its units are shows, not the viewers counted here
      const variants = [...new Set([...Object.keys(planned ?? {}), ...Object.keys(x.variants)])].sort();
      const counts = variants.map((v) => x.variants[v] ?? 0);
      if (counts.reduce((s, n) => s + n, 0) < MIN_SRM_VIEWERS) continue;
      const p = srmPValue(counts, planned ? variants.map((v) => planned[v] ?? 0) : undefined);
      if (!isSampleRatioMismatch(p)) continue;
      this.srmFired.add(key);
      if (this.srmFired.size > MAX_SRM_FIRED) this.srmFired.delete(this.srmFired.values().next().value!);
      out.push({ status: 'firing', rule: 'srm', experiment_id: x.experiment_id, retailer_id: x.retailer_id, value: p, at });
    }
    return out;
  }
}

function notification(status: RuleNotification['status'], rule: AlertRule, g: LiveRegionGroup, at: number): RuleNotification {
  return { status, rule: rule.text, metric: rule.metric, value: g[rule.metric], threshold: rule.threshold, retailer_id: g.retailer_id, region: g.region, at };
}
