/**
 * The 95% Wilson intervals of the audience report's conversion rates (docs/spec.md
 * §4b, "every conversion rate shown for a group carries a 95% Wilson
 * interval"): all viewers', returning viewers' and new viewers'.
 *
 * @example
 * withAudienceIntervals({ viewers: 14, buyers: 1, returning_viewers: 4, returning_buyers: 1, new_viewers: 10, new_buyers: 0 });
 * // adds conversion_rate_ci_low/high, conversion_rate_returning_ci_low/high, conversion_rate_new_ci_low/high
 */
import type { ColumnInfo, Row } from '../engine/engine.ts';
import { wilsonInterval } from '../../stats/wilson.ts';

export const AUDIENCE_INTERVAL_COLUMNS: ColumnInfo[] = [
  { name: 'conversion_rate_ci_low', type: 'DOUBLE' },
  { name: 'conversion_rate_ci_high', type: 'DOUBLE' },
  { name: 'conversion_rate_returning_ci_low', type: 'DOUBLE' },
  { name: 'conversion_rate_returning_ci_high', type: 'DOUBLE' },
  { name: 'conversion_rate_new_ci_low', type: 'DOUBLE' },
  { name: 'conversion_rate_new_ci_high', type: 'DOUBLE' },
];

/** Adds the intervals of buyers / viewers, returning_buyers / returning_viewers and new_buyers / new_viewers. */
export function withAudienceIntervals(row: Row): Row {
  const [low, high] = wilsonInterval(Number(row.buyers ?? 0), Number(row.viewers ?? 0));
  const [returningLow, returningHigh] = wilsonInterval(Number(row.returning_buyers ?? 0), Number(row.returning_viewers ?? 0));
  const [newLow, newHigh] = wilsonInterval(Number(row.new_buyers ?? 0), Number(row.new_viewers ?? 0));
  return {
    ...row,
    conversion_rate_ci_low: low,
    conversion_rate_ci_high: high,
    conversion_rate_returning_ci_low: returningLow,
    conversion_rate_returning_ci_high: returningHigh,
    conversion_rate_new_ci_low: newLow,
    conversion_rate_new_ci_high: newHigh,
  };
}
