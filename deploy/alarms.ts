/**
 * The stack's CloudWatch alarms. The product alarms follow docs/spec.md §9:
 * the default alert rules (`latency_p95_ms>8000`, `rebuffer_pct>2`,
 * `playback_failure_pct>5`) over the metrics the one publisher sends
 * (namespace, metric names, dimensions RetailerId and Region), as Metrics
 * Insights queries, so one alarm covers every retailer and region. Written
 * here from the spec because the live issue's alarm generator was not on
 * main when this stack was built; when it lands, these definitions should
 * come from it. The infrastructure alarms watch the stream, the ingest lag
 * and the collector's ALB.
 *
 * @example
 * productAlarms('livelens').map((a) => a.name) // ['LatencyP95', 'RebufferPercent', 'PlaybackFailurePercent']
 */

/** docs/spec.md §9 default rules: metric published, threshold, unit. */
export const SPEC_ALARM_RULES = [
  { name: 'LatencyP95', rule: 'latency_p95_ms>8000', metric: 'LatencyP95', threshold: 8000, unit: 'Milliseconds' },
  { name: 'RebufferPercent', rule: 'rebuffer_pct>2', metric: 'RebufferPercent', threshold: 2, unit: 'Percent' },
  { name: 'PlaybackFailurePercent', rule: 'playback_failure_pct>5', metric: 'PlaybackFailurePercent', threshold: 5, unit: 'Percent' },
] as const;

/** The publisher's default interval (docs/spec.md §9: LIVELENS_CLOUDWATCH_INTERVAL_S default 60). */
export const CLOUDWATCH_INTERVAL_S = 60;
/** Consecutive periods a condition holds before an alarm fires (a brief spike does not page). */
export const ALARM_EVALUATION_PERIODS = 3;
/** Ingest is alarming when the oldest unread record is older than this. */
export const MAX_INGEST_LAG_MS = 5 * 60_000;
/** Collector 5xx answers per minute that alarm (the spool and shedding answer 503 under trouble). */
export const MAX_COLLECTOR_5XX_PER_MINUTE = 100;

export interface AlarmDefinition {
  name: string;
  description: string;
  properties: Record<string, unknown>;
}

/** The §9 alarms as Metrics Insights queries over the livelens namespace (MAX over every retailer and region). */
export function productAlarms(namespace: string): AlarmDefinition[] {
  return SPEC_ALARM_RULES.map((r) => ({
    name: r.name,
    description: `livelens alert rule ${r.rule} (docs/spec.md §9), worst retailer and region`,
    properties: {
      AlarmDescription: `${r.rule}: the worst RetailerId/Region ${r.metric} above ${r.threshold} ${r.unit} for ${ALARM_EVALUATION_PERIODS} intervals`,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: r.threshold,
      EvaluationPeriods: ALARM_EVALUATION_PERIODS,
      TreatMissingData: 'notBreaching',
      Metrics: [
        {
          Id: 'worst',
          Expression: `SELECT MAX(${r.metric}) FROM SCHEMA("${namespace}", RetailerId, Region)`,
          Period: CLOUDWATCH_INTERVAL_S,
          ReturnData: true,
        },
      ],
    },
  }));
}
