/**
 * `livelens cloudwatch alarms` (docs/spec.md §9): prints CloudFormation JSON
 * alarm definitions for the published live metrics with the same thresholds
 * as the alert rules (live/cloudwatch/alarms.ts), so the AWS path alerts the
 * way the webhook does.
 *
 * @example
 * livelens cloudwatch alarms --cloudwatch-namespace livelens > alarms.json
 * livelens cloudwatch alarms --cloudwatch-namespace livelens --groups acme/BR,acme/US
 */
import type { Command } from 'commander';
import { addSettingOptions, resolveSettings } from '../../config/settings.ts';
import { parseAlertRules } from '../../live/alerts/rules.ts';
import { cloudWatchAlarmsTemplate } from '../../live/cloudwatch/alarms.ts';

const ALARM_SETTINGS = ['cloudwatchNamespace', 'cloudwatchIntervalS', 'alertRules', 'alertMinViewers'] as const;
/** Per-group alarms asked for at most (CloudFormation allows 500 resources a template). */
export const MAX_ALARM_GROUPS = 100;

/** Parses `retailer/region,...`. */
export function parseAlarmGroups(text: string): { retailerId: string; region: string }[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length > MAX_ALARM_GROUPS) throw new Error(`--groups has ${parts.length} entries: at most ${MAX_ALARM_GROUPS}`);
  return parts.map((p) => {
    const m = /^([A-Za-z0-9_-]{1,64})\/([A-Za-z0-9_-]{1,64})$/.exec(p);
    if (!m) throw new Error(`--groups entry "${p}" is not valid: expected retailer/region, e.g. acme/BR`);
    return { retailerId: m[1]!, region: m[2]! };
  });
}

export function register(program: Command): void {
  const cw = program.command('cloudwatch').description('Amazon CloudWatch: alarm definitions for the live metrics');
  const alarms = cw
    .command('alarms')
    .description('print CloudFormation JSON alarms for the live metrics with the thresholds of the alert rules')
    .option('--groups <list>', 'per-group alarms for these retailer/region pairs (with the minimum audience); default: one alarm per rule over the worst group')
    .action((opts: Record<string, unknown>) => {
      const s = resolveSettings(ALARM_SETTINGS, opts);
      if (s.cloudwatchNamespace === undefined) throw new Error('cloudwatch alarms needs the namespace the metrics are published to: set --cloudwatch-namespace / LIVELENS_CLOUDWATCH_NAMESPACE');
      const { template, skipped } = cloudWatchAlarmsTemplate({
        namespace: s.cloudwatchNamespace,
        rules: parseAlertRules(s.alertRules),
        minViewers: s.alertMinViewers,
        intervalS: s.cloudwatchIntervalS,
        ...(typeof opts.groups === 'string' ? { groups: parseAlarmGroups(opts.groups) } : {}),
      });
      for (const rule of skipped) process.stderr.write(`livelens cloudwatch alarms: rule "${rule}" has no CloudWatch metric (published: ConcurrentViewers, StartupTimeP50, LatencyP95, RebufferPercent, PlaybackFailurePercent); no alarm\n`);
      process.stdout.write(JSON.stringify(template, null, 2) + '\n');
    });
  addSettingOptions(alarms, ALARM_SETTINGS);
}
