/**
 * The stack's infrastructure alarms: the stream, the ingest lag and the
 * collector's ALB. The product alarms (docs/spec.md §9 alert rules over
 * the published metrics) come from the live issue's generator,
 * live/cloudwatch/alarms.ts, merged into the template by deploy/template.ts.
 *
 * @example
 * MAX_INGEST_LAG_MS // 300000
 */

/** Consecutive minutes a condition holds before an infrastructure alarm fires (a brief spike does not page). */
export const ALARM_EVALUATION_PERIODS = 3;
/** Ingest is alarming when the oldest unread record is older than this. */
export const MAX_INGEST_LAG_MS = 5 * 60_000;
/** Collector 5xx answers per minute that alarm (the spool and shedding answer 503 under trouble). */
export const MAX_COLLECTOR_5XX_PER_MINUTE = 100;
