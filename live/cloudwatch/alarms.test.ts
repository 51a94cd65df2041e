import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES, parseAlertRules } from '../alerts/rules.ts';
import { alarmPeriodS, cloudWatchAlarmsTemplate } from './alarms.ts';

type Alarm = { Type: string; Properties: { AlarmName: string; Threshold: number; ComparisonOperator: string; Metrics: Array<{ Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: unknown[] }; Period: number } }> } };

describe('CloudWatch alarm definitions', () => {
  it('one alarm per default rule with the same thresholds, over the worst group by Metrics Insights', () => {
    const { template, skipped } = cloudWatchAlarmsTemplate({ namespace: 'livelens', rules: parseAlertRules(DEFAULT_ALERT_RULES), minViewers: 20, intervalS: 60 });
    expect(skipped).toEqual([]);
    const alarms = Object.values(template.Resources as Record<string, Alarm>);
    expect(alarms.map((a) => [a.Type, a.Properties.Threshold, a.Properties.ComparisonOperator, a.Properties.Metrics[0]!.Expression])).toEqual([
      ['AWS::CloudWatch::Alarm', 8000, 'GreaterThanThreshold', 'SELECT MAX(LatencyP95) FROM SCHEMA("livelens", RetailerId, Region)'],
      ['AWS::CloudWatch::Alarm', 2, 'GreaterThanThreshold', 'SELECT MAX(RebufferPercent) FROM SCHEMA("livelens", RetailerId, Region)'],
      ['AWS::CloudWatch::Alarm', 5, 'GreaterThanThreshold', 'SELECT MAX(PlaybackFailurePercent) FROM SCHEMA("livelens", RetailerId, Region)'],
    ]);
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Parameters).toHaveProperty('AlarmTopicArn');
  });

  it('per group: the figure counts only with the minimum audience; rules without a metric are skipped; period follows the interval', () => {
    const { template, skipped } = cloudWatchAlarmsTemplate({
      namespace: 'ns', rules: parseAlertRules('latency_p95_ms>8000,concurrent_viewers<5,clicks>100'), minViewers: 20, intervalS: 10,
      groups: [{ retailerId: 'acme', region: 'BR' }],
    });
    expect(skipped).toEqual(['clicks>100']);
    const alarms = Object.values(template.Resources as Record<string, Alarm>);
    expect(alarms).toHaveLength(2);
    const latency = alarms[0]!.Properties;
    expect(latency.AlarmName).toBe('ns latency_p95_ms>8000 acme/BR');
    expect(latency.Metrics.map((m) => m.Expression ?? m.MetricStat!.Metric.MetricName)).toEqual(['ConcurrentViewers', 'LatencyP95', 'IF(viewers >= 20, figure, 8000)']);
    expect(latency.Metrics[1]!.MetricStat!.Metric.Dimensions).toEqual([{ Name: 'RetailerId', Value: 'acme' }, { Name: 'Region', Value: 'BR' }]);
    expect(latency.Metrics[1]!.MetricStat!.Period).toBe(10);
    expect(alarms[1]!.Properties.ComparisonOperator).toBe('LessThanThreshold');
    expect([1, 10, 11, 30, 59, 60, 61, 300].map(alarmPeriodS)).toEqual([10, 10, 30, 30, 60, 60, 120, 300]);
  });
});
