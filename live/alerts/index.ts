/**
 * Alerts as a live-view listener (docs/spec.md §9): evaluates the rules at
 * each snapshot, logs each notification, and queues it for the webhook when
 * one is configured. Off unless a webhook is set (the log line still shows
 * firing alerts when `logOnly` is asked for, as the demo does).
 *
 * @example
 * const alerts = createAlerts({ webhook: url, rules: DEFAULT_ALERT_RULES, minViewers: 20, cooldownS: 600, log });
 * view.subscribe(alerts.onSnapshot);
 */
import type { Logger } from '../../collector/log.ts';
import type { LiveView } from '../live-view.ts';
import type { LiveSnapshot } from '../snapshot.ts';
import { AlertEvaluator, type AlertNotification, type EvaluatorOptions } from './evaluator.ts';
import { parseAlertRules } from './rules.ts';
import { WebhookQueue, type WebhookQueueOptions, type WebhookStats } from './webhook-queue.ts';

export interface AlertsOptions {
  /** LIVELENS_ALERT_WEBHOOK; undefined: notifications are only logged. */
  webhook?: string;
  /** LIVELENS_ALERT_RULES text (parsed here: a bad rule throws one line naming it). */
  rules: string;
  minViewers: number;
  cooldownS: number;
  log: Logger;
  weightsOf?: EvaluatorOptions['weightsOf'];
  queue?: Partial<WebhookQueueOptions>;
}

export interface Alerts {
  onSnapshot(snapshot: LiveSnapshot, view: LiveView): void;
  /** Every notification sent so far (newest last, the last 100). */
  recent(): AlertNotification[];
  stats(): WebhookStats | null;
  close(): Promise<void>;
}

/** Notifications kept for `recent()`. */
const RECENT = 100;

/** The log line of a notification. */
export function describe(n: AlertNotification): string {
  if ('experiment_id' in n) return `alert ${n.status}: srm for experiment ${n.retailer_id}/${n.experiment_id} (p = ${n.value.toExponential(2)})`;
  return `alert ${n.status}: ${n.rule} for ${n.retailer_id}/${n.region} (value ${n.value ?? 'none'})`;
}

export function createAlerts(o: AlertsOptions): Alerts {
  const evaluator = new AlertEvaluator({ rules: parseAlertRules(o.rules), minViewers: o.minViewers, cooldownS: o.cooldownS, weightsOf: o.weightsOf });
  const queue = o.webhook ? new WebhookQueue({ url: o.webhook, log: o.log, ...o.queue }) : undefined;
  const recent: AlertNotification[] = [];
  return {
    onSnapshot: (snapshot, view) => {
      for (const n of evaluator.evaluate(snapshot, view.experiments())) {
        o.log.warn({ alert: n }, describe(n));
        recent.push(n);
        if (recent.length > RECENT) recent.shift();
        queue?.enqueue(n);
      }
    },
    recent: () => [...recent],
    stats: () => (queue ? { ...queue.stats } : null),
    close: async () => {
      await queue?.close();
    },
  };
}
