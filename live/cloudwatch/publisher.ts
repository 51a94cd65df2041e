/**
 * Publishes the live groups to CloudWatch every interval (docs/spec.md §9)
 * with PutMetricData, as a server service reading the live view. A failed
 * call is retried by the SDK's own policy (standard mode, MAX_SDK_ATTEMPTS),
 * then logged and dropped: the next interval publishes afresh. The SDK's
 * endpoint settings (AWS_ENDPOINT_URL_CLOUDWATCH, AWS_ENDPOINT_URL) and the
 * default credential chain apply.
 *
 * @example
 * const cw = createCloudWatchPublisher({ namespace: 'livelens', intervalS: 60, view, log });
 * await startServer({ ..., services: [view.service, cw.service] });
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Logger } from '../../collector/log.ts';
import type { ServerService } from '../../server/start-server.ts';
import type { LiveView } from '../live-view.ts';
import type { LiveSnapshot } from '../snapshot.ts';
import { batchDatums, datumsOf } from './datums.ts';
import { HIGH_RESOLUTION_BELOW_S } from './limits.ts';

/** Attempts per PutMetricData call, the SDK's retry policy included. */
export const MAX_SDK_ATTEMPTS = 3;
/** One PutMetricData request's timeout. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface CloudWatchPublisherOptions {
  namespace: string;
  intervalS: number;
  view: LiveView;
  log: Logger;
  /** AWS region (default: the SDK's chain, else us-east-1). */
  region?: string;
  client?: CloudWatchClient;
}

export interface CloudWatchStats {
  calls: number;
  datums: number;
  failedCalls: number;
  droppedDatums: number;
}

export interface CloudWatchPublisher {
  readonly stats: CloudWatchStats;
  /** Publishes one snapshot now (the timer calls this). */
  publish(snapshot: LiveSnapshot): Promise<void>;
  readonly service: ServerService;
}

/** A CloudWatch client with the SDK's standard retries and an HTTP/1.1 handler (the SDK is loaded only when CloudWatch is on). */
export async function createCloudWatchClient(region?: string): Promise<CloudWatchClient> {
  const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
  return new CloudWatchClient({
    region: region ?? process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: MAX_SDK_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: REQUEST_TIMEOUT_MS }),
  });
}

export function createCloudWatchPublisher(o: CloudWatchPublisherOptions): CloudWatchPublisher {
  const stats: CloudWatchStats = { calls: 0, datums: 0, failedCalls: 0, droppedDatums: 0 };
  const highResolution = o.intervalS < HIGH_RESOLUTION_BELOW_S;
  let client = o.client;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const publish = async (snapshot: LiveSnapshot): Promise<void> => {
    client ??= await createCloudWatchClient(o.region);
    const { PutMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
    for (const MetricData of batchDatums(datumsOf(snapshot, { highResolution }))) {
      stats.calls++;
      try {
        await client.send(new PutMetricDataCommand({ Namespace: o.namespace, MetricData }));
        stats.datums += MetricData.length;
      } catch (err) {
        stats.failedCalls++;
        stats.droppedDatums += MetricData.length;
        o.log.error({ namespace: o.namespace, datums: MetricData.length, err: (err as Error).message }, 'CloudWatch PutMetricData failed after retries; datums dropped');
      }
    }
  };

  return {
    stats,
    publish,
    service: {
      name: 'cloudwatch publisher',
      start: () => {
        timer = setInterval(() => {
          if (inFlight) return; // a slow call: skip this interval rather than pile up
          inFlight = publish(o.view.latest()).finally(() => (inFlight = undefined));
        }, o.intervalS * 1000);
        timer.unref();
      },
      stop: async () => {
        if (timer) clearInterval(timer);
        await inFlight;
        if (!o.client) client?.destroy();
      },
    },
  };
}
