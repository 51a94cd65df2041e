/**
 * Alert rules (docs/spec.md §9): comma-separated `metric>value` or
 * `metric<value` over the numeric fields of a live group. A `null` figure
 * never holds.
 *
 * @example
 * const rules = parseAlertRules('latency_p95_ms>8000,rebuffer_pct>2'); // throws one line naming a bad rule
 * ruleHolds(rules[0], group) // true when group.latency_p95_ms > 8000
 */
import type { LiveFigures } from '../snapshot.ts';

export const DEFAULT_ALERT_RULES = 'latency_p95_ms>8000,rebuffer_pct>2,playback_failure_pct>5';
/** Groups with fewer concurrent viewers never fire (LIVELENS_ALERT_MIN_VIEWERS). */
export const DEFAULT_ALERT_MIN_VIEWERS = 20;
/** The same rule and group fires again only this long after its last firing (LIVELENS_ALERT_COOLDOWN_S). */
export const DEFAULT_ALERT_COOLDOWN_S = 600;
/** Rules accepted in one list. */
export const MAX_ALERT_RULES = 50;

/** The live figures a rule may name. */
export const ALERT_METRICS = [
  'concurrent_viewers', 'sessions', 'startup_p50_ms', 'startup_p95_ms', 'rebuffer_pct', 'latency_p50_ms', 'latency_p95_ms',
  'playback_failure_pct', 'ebvs_pct', 'events_per_s', 'clicks', 'chat_messages',
] as const satisfies readonly (keyof LiveFigures)[];
export type AlertMetric = (typeof ALERT_METRICS)[number];

export interface AlertRule {
  /** The rule as written (trimmed), e.g. `latency_p95_ms>8000`: the `rule` field of a notification. */
  text: string;
  metric: AlertMetric;
  op: '>' | '<';
  threshold: number;
}

const RULE = /^([a-z0-9_]+)\s*([<>])\s*(-?\d+(?:\.\d+)?)$/;

/** Parses a rule list; throws one line naming the first bad rule and what is allowed. */
export function parseAlertRules(text: string): AlertRule[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > MAX_ALERT_RULES) throw new Error(`LIVELENS_ALERT_RULES has ${parts.length} rules: at most ${MAX_ALERT_RULES}`);
  return parts.map((part) => {
    const m = RULE.exec(part);
    const allowed = `expected metric>value or metric<value with metric one of ${ALERT_METRICS.join(', ')}`;
    if (!m) throw new Error(`alert rule "${part}" (LIVELENS_ALERT_RULES / --alert-rules) is not valid: ${allowed}`);
    if (!(ALERT_METRICS as readonly string[]).includes(m[1]!)) {
      throw new Error(`alert rule "${part}" (LIVELENS_ALERT_RULES / --alert-rules) names unknown metric "${m[1]}": ${allowed}`);
    }
    return { text: part.replace(/\s+/g, ''), metric: m[1] as AlertMetric, op: m[2] as '>' | '<', threshold: Number(m[3]) };
  });
}

/** True when the rule holds for the figures; a null figure never holds. */
export function ruleHolds(rule: AlertRule, figures: LiveFigures): boolean {
  const value = figures[rule.metric];
  if (value === null) return false;
  return rule.op === '>' ? value > rule.threshold : value < rule.threshold;
}
