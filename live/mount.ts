/**
 * The live part of a server in one call (docs/spec.md §8, §9): the live view
 * (its stream reader and snapshots), its routes and panel, the alerts and
 * the CloudWatch publisher as configured. `livelens serve` and `livelens
 * demo` mount it with one line each.
 *
 * @example
 * const live = createLive({ settings, access: dashboard.access, log });  // throws one line for a bad alert rule
 * await startServer({ ...settings, routes: [live.routes, dashboard.routes], services: live.services, metrics: live.metrics });
 */
import type { Logger } from '../collector/log.ts';
import type { SettingName, SettingsOf } from '../config/settings.ts';
import type { Access } from '../dashboard/access/index.ts';
import type { ServerRoutes, ServerService } from '../server/start-server.ts';
import { createAlerts, type Alerts, type AlertsOptions } from './alerts/index.ts';
import { plannedWeightsFrom } from './alerts/planned-weights.ts';
import { createCloudWatchPublisher, type CloudWatchPublisher } from './cloudwatch/publisher.ts';
import { createLiveView, type LiveView, type LiveViewOptions } from './live-view.ts';
import { liveRoutes } from './routes.ts';

/** The settings of the live part (each a flag and a variable). */
export const LIVE_SETTINGS = [
  'liveWindowS', 'alertWebhook', 'alertRules', 'alertMinViewers', 'alertCooldownS', 'cloudwatchNamespace', 'cloudwatchIntervalS', 'awsRegion',
] as const satisfies readonly SettingName[];

export type LiveSettings = SettingsOf<typeof LIVE_SETTINGS>;

export interface LiveOptions {
  settings: LiveSettings;
  access: Access;
  log: Logger;
  /** Log alerts even without a webhook (on by default: an operator sees them in the log). */
  logAlerts?: boolean;
  view?: Omit<LiveViewOptions, 'windowS'>;
  alerts?: Partial<Pick<AlertsOptions, 'queue' | 'weightsOf'>>;
  /** The experiment definitions the live `srm` alert takes its plans from (`<data dir>/experiments.json` in serve and demo); `alerts.weightsOf` wins. */
  experimentsFile?: string;
}

export interface Live {
  view: LiveView;
  alerts: Alerts | undefined;
  cloudwatch: CloudWatchPublisher | undefined;
  routes: ServerRoutes;
  services: ServerService[];
  /** The `live` section of /metrics. */
  metrics(): Record<string, unknown>;
}

export function createLive(o: LiveOptions): Live {
  const s = o.settings;
  const view = createLiveView({ ...o.view, windowS: s.liveWindowS });
  const alerts =
    s.alertWebhook !== undefined || o.logAlerts !== false
      ? createAlerts({
          webhook: s.alertWebhook, rules: s.alertRules, minViewers: s.alertMinViewers, cooldownS: s.alertCooldownS, log: o.log,
          ...(o.experimentsFile !== undefined ? { weightsOf: plannedWeightsFrom(o.experimentsFile, o.log) } : {}),
          ...o.alerts,
        })
      : undefined;
  if (alerts) view.subscribe(alerts.onSnapshot);
  const cloudwatch =
    s.cloudwatchNamespace !== undefined
      ? createCloudWatchPublisher({ namespace: s.cloudwatchNamespace, intervalS: s.cloudwatchIntervalS, view, log: o.log, region: s.awsRegion })
      : undefined;
  const services: ServerService[] = [view.service];
  if (cloudwatch) services.push(cloudwatch.service);
  if (alerts) services.push({ name: 'alerts', start: () => undefined, stop: () => alerts.close() });
  return {
    view,
    alerts,
    cloudwatch,
    routes: liveRoutes(view, o.access),
    services,
    metrics: () => ({
      live: view.metrics(),
      alerts: alerts ? { webhook: alerts.stats(), recent: alerts.recent().length } : null,
      cloudwatch: cloudwatch ? { ...cloudwatch.stats } : null,
    }),
  };
}
