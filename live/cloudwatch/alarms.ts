/**
 * CloudWatch alarm definitions (CloudFormation JSON) for the docs/spec.md §9
 * metrics, with the same thresholds as the alert rules, so the AWS path
 * alerts the way the webhook does. Exported as functions: deploy/ templates
 * merge `cloudWatchAlarmResources(...)` into their own.
 *
 * Without groups: one alarm per rule over the worst group, a Metrics
 * Insights query (`SELECT MAX(LatencyP95) FROM SCHEMA("ns", RetailerId,
 * Region)`; MIN for a `<` rule); CloudWatch cannot apply the minimum audience
 * there, which the description says. With groups (retailer, region): one
 * alarm per rule and group, the figure counted only while the group has at
 * least the minimum audience (metric math `IF(viewers >= min, figure, ...)`).
 * Rules over figures that are not published are skipped (`skipped`).
 *
 * @example
 * const t = cloudWatchAlarmsTemplate({ namespace: 'livelens', rules: parseAlertRules(DEFAULT_ALERT_RULES), minViewers: 20, intervalS: 60 });
 * JSON.stringify(t.template, null, 2)
 */
import type { AlertRule } from '../alerts/rules.ts';
import { CLOUDWATCH_METRICS } from './datums.ts';
import { HIGH_RESOLUTION_BELOW_S } from './limits.ts';

/** Parameter naming the SNS topic the alarms notify (empty: no action). */
export const ALARM_TOPIC_PARAMETER = 'AlarmTopicArn';
const HAS_TOPIC = 'HasAlarmTopic';

export interface AlarmOptions {
  namespace: string;
  rules: readonly AlertRule[];
  minViewers: number;
  /** The publishing interval: the alarm period follows it. */
  intervalS: number;
  /** Per-group alarms for these (retailer, region) pairs; omitted: one alarm per rule over every group. */
  groups?: readonly { retailerId: string; region: string }[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface AlarmResources {
  Parameters: Record<string, Json>;
  Conditions: Record<string, Json>;
  Resources: Record<string, Json>;
  /** Rules with no published metric (their text). */
  skipped: string[];
}

/** Alarm period for a publishing interval: 10, 30 or a multiple of 60 seconds, at least the interval. */
export function alarmPeriodS(intervalS: number): number {
  if (intervalS < HIGH_RESOLUTION_BELOW_S) return intervalS <= 10 ? 10 : intervalS <= 30 ? 30 : 60;
  return Math.ceil(intervalS / 60) * 60;
}

function logicalId(parts: string[]): string {
  const id = parts.map((p) => p.replace(/[^A-Za-z0-9]/g, '')).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  return id.slice(0, 255);
}

/** The Parameters, Conditions and AWS::CloudWatch::Alarm resources for the rules. */
export function cloudWatchAlarmResources(o: AlarmOptions): AlarmResources {
  const period = alarmPeriodS(o.intervalS);
  const actions: Json = { 'Fn::If': [HAS_TOPIC, [{ Ref: ALARM_TOPIC_PARAMETER }], { Ref: 'AWS::NoValue' }] };
  const Resources: Record<string, Json> = {};
  const skipped: string[] = [];
  for (const rule of o.rules) {
    const metric = CLOUDWATCH_METRICS.find((m) => m.field === rule.metric);
    if (!metric) {
      skipped.push(rule.text);
      continue;
    }
    const common = {
      ComparisonOperator: rule.op === '>' ? 'GreaterThanThreshold' : 'LessThanThreshold',
      Threshold: rule.threshold,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: actions,
      OKActions: actions,
    };
    if (!o.groups) {
      const agg = rule.op === '>' ? 'MAX' : 'MIN';
      Resources[logicalId(['livelens', rule.metric, rule.op === '>' ? 'above' : 'below', 'alarm'])] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${o.namespace} ${rule.text}`,
          AlarmDescription: `livelens alert rule ${rule.text} over the worst (retailer, region) group (${agg} of ${metric.name}); the minimum audience of ${o.minViewers} viewers applies only to per-group alarms`,
          Metrics: [{ Id: 'q', Expression: `SELECT ${agg}(${metric.name}) FROM SCHEMA("${o.namespace}", RetailerId, Region)`, Period: period, ReturnData: true }],
          ...common,
        },
      };
      continue;
    }
    for (const g of o.groups) {
      const dims = [{ Name: 'RetailerId', Value: g.retailerId }, { Name: 'Region', Value: g.region }];
      const stat = (id: string, name: string, s: string): Json => ({ Id: id, MetricStat: { Metric: { Namespace: o.namespace, MetricName: name, Dimensions: dims }, Period: period, Stat: s }, ReturnData: false });
      // Under the minimum audience the figure is replaced by the threshold: the comparison (strict) never holds.
      Resources[logicalId(['livelens', g.retailerId, g.region, rule.metric, rule.op === '>' ? 'above' : 'below', 'alarm'])] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${o.namespace} ${rule.text} ${g.retailerId}/${g.region}`,
          AlarmDescription: `livelens alert rule ${rule.text} for retailer ${g.retailerId}, region ${g.region}, while at least ${o.minViewers} concurrent viewers`,
          Metrics: [
            stat('viewers', 'ConcurrentViewers', 'Minimum'),
            stat('figure', metric.name, rule.op === '>' ? 'Maximum' : 'Minimum'),
            { Id: 'e', Expression: `IF(viewers >= ${o.minViewers}, figure, ${rule.threshold})`, Label: rule.text, ReturnData: true },
          ],
          ...common,
        },
      };
    }
  }
  return {
    Parameters: { [ALARM_TOPIC_PARAMETER]: { Type: 'String', Default: '', Description: 'SNS topic ARN the livelens alarms notify (empty: none)' } },
    Conditions: { [HAS_TOPIC]: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: ALARM_TOPIC_PARAMETER }, ''] }] } },
    Resources,
    skipped,
  };
}

/** A whole CloudFormation template holding the alarms. */
export function cloudWatchAlarmsTemplate(o: AlarmOptions): { template: Record<string, Json>; skipped: string[] } {
  const r = cloudWatchAlarmResources(o);
  return {
    template: {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `livelens CloudWatch alarms on namespace ${o.namespace} (the alert rules of docs/spec.md §9)`,
      Parameters: r.Parameters,
      Conditions: r.Conditions,
      Resources: r.Resources,
    },
    skipped: r.skipped,
  };
}
