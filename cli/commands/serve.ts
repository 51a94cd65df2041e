/**
 * `livelens serve` (docs/spec.md §5): the collector (and whatever
 * server/start-server.ts mounts) on one port. Without
 * LIVELENS_KINESIS_STREAM it starts the embedded kinesalite, persisted
 * under `<data-dir>/kinesis`, and creates the `livelens-events` stream; its
 * endpoint is advertised in `<data-dir>/kinesis/endpoint` for other local
 * processes (ingest). SIGTERM or SIGINT: stop accepting, drain, exit.
 * This file only declares the flags and calls startServer.
 *
 * @example
 * livelens serve --data-dir .livelens --port 8787
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { addSettingOptions, resolveSetting, resolveSettings } from '../../config/settings.ts';
import { createLogger } from '../../collector/log.ts';
import { startServer } from '../../server/start-server.ts';
import { SERVER_SETTINGS } from '../../server/server-settings.ts';
import { createDashboard } from '../../dashboard/mount.ts';
import { ENGINE_SETTINGS, engineSettingsFrom } from '../../pipeline/engine/create-engine.ts';
import { createLive, LIVE_SETTINGS } from '../../live/mount.ts';
import { createViewer } from '../../viewer/mount.ts';
import { DEFAULT_EXPERIMENTS_FILE } from '../../pipeline/reports/experiment-definitions.ts';

/** What serve takes: the server's settings, the dashboard's tokens, the live part's switch and settings and the demo viewer page's show. */
const SERVE_SETTINGS = [...SERVER_SETTINGS, 'dashboardTokens', 'live', ...LIVE_SETTINGS, 'viewerShow'] as const;
/** The dashboard's query engine settings (as for `livelens report`), minus those serve already takes (dataDir, awsRegion). */
const DASHBOARD_ENGINE_SETTINGS = ENGINE_SETTINGS.filter((name) => !(SERVE_SETTINGS as readonly string[]).includes(name));

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run the collector (POST /v1/events); starts embedded Kinesis unless a stream is configured');
  addSettingOptions(cmd, SERVE_SETTINGS);
  addSettingOptions(cmd, DASHBOARD_ENGINE_SETTINGS);
  cmd.action(async (_opts: unknown, command: Command) => {
    const flags = command.optsWithGlobals();
    const { dashboardTokens, live: liveSwitch, liveWindowS, alertWebhook, alertRules, alertMinViewers, alertCooldownS, cloudwatchNamespace, cloudwatchIntervalS, awsRegion, viewerShow, ...settings } =
      resolveSettings(SERVE_SETTINGS, flags);
    const log = createLogger(resolveSetting('logLevel', flags));
    const engineSettings = engineSettingsFrom(resolveSettings(ENGINE_SETTINGS, flags));
    const dashboard = createDashboard({ dataDir: settings.dataDir, dashboardTokens, writeKeys: settings.writeKeys, engineSettings });
    // With --live off (collector-only instances) nothing reads the stream here: no live view, alerts or CloudWatch.
    if (liveSwitch === 'off' && (alertWebhook !== undefined || cloudwatchNamespace !== undefined)) {
      throw new Error(`${alertWebhook !== undefined ? '--alert-webhook / LIVELENS_ALERT_WEBHOOK' : '--cloudwatch-namespace / LIVELENS_CLOUDWATCH_NAMESPACE'} needs the live view, which --live / LIVELENS_LIVE turns off: set one or the other`);
    }
    // A bad alert rule stops serve here, with one line naming it.
    const live =
      liveSwitch === 'on'
        ? createLive({
            settings: { liveWindowS, alertWebhook, alertRules, alertMinViewers, alertCooldownS, cloudwatchNamespace, cloudwatchIntervalS, awsRegion },
            access: dashboard.access,
            log,
            // The definitions the dashboard's experiment reports read: the live srm alert tests against their planned weights.
            experimentsFile: join(settings.dataDir, DEFAULT_EXPERIMENTS_FILE),
          })
        : undefined;
    // The demo viewer page when asked for (--viewer-show): it sends with the first write key.
    const viewer = viewerShow === undefined ? undefined : createViewer({ dataDir: settings.dataDir, showId: viewerShow, log });
    const viewerParts = viewer?.available ? { routes: [viewer.routes], services: [viewer.service] } : { routes: [], services: [] };
    // The live routes go first so that their /api/v1/live paths are not taken by the dashboard's.
    const s = await startServer({
      ...settings,
      routes: [...(live ? [live.routes] : []), ...viewerParts.routes, dashboard.routes],
      services: [dashboard.service, ...(live?.services ?? []), ...viewerParts.services],
      metrics: live?.metrics ?? (() => ({ live: null })),
      log,
    });
    process.stdout.write(`livelens collector listening on ${s.url} (POST ${s.url}/v1/events)\n`);
    process.stdout.write(`kinesis: ${s.kinesisEndpoint ?? 'AWS'} (${s.kinesisSource}), stream ${s.stream}\n`);
    if (s.collector.generatedKey) process.stdout.write(`demo write key (retailer "default"): ${s.writeKey}\n`);
    process.stdout.write(dashboard.signInText(s.url));
    if (viewer) {
      process.stdout.write(viewer.available ? `viewer page: ${s.url}${viewer.path} (show ${viewerShow}, retailer ${viewer.shop()?.config.retailerId})\n` : `viewer page: skipped (${viewer.reason})\n`);
    }
    process.stdout.write(
      live
        ? `live panel: ${s.url}/live (alerts ${alertWebhook ? 'to the webhook and the log' : 'in the log'}${cloudwatchNamespace ? `, CloudWatch namespace ${cloudwatchNamespace}` : ''})\n`
        : 'live view: off (--live off): this instance reads nothing from the stream\n',
    );
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`${signal}: draining and stopping\n`);
      s.stop().then(
        () => process.exit(0),
        (err: Error) => {
          process.stderr.write(`stop failed: ${err.message}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
}
