/**
 * The live view of a server (docs/spec.md §8) as a server service: its own
 * stream reader feeding the aggregator, a snapshot every SNAPSHOT_INTERVAL_MS,
 * the sparkline history, and listeners (SSE clients, alerts, CloudWatch)
 * called with each snapshot. Nothing here is on the collector's path.
 *
 * @example
 * const live = createLiveView({ windowS: 300 });
 * await startServer({ ..., routes: [liveRoutes(live, access)], services: [live.service] });
 * live.latest() // the newest snapshot
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from '../collector/log.ts';
import type { ServerService } from '../server/start-server.ts';
import { createKinesisClient } from '../streams/kinesis-client.ts';
import { LiveAggregator } from './aggregator.ts';
import { LiveHistory } from './history.ts';
import { DEFAULT_LIVE_WINDOW_S, type LiveLimits } from './limits.ts';
import type { LiveDropped, LiveExperimentCounts, LiveSnapshot } from './snapshot.ts';
import { LiveStreamReader, type LiveReaderStats } from './stream-reader.ts';

/** A new snapshot is computed this often (the SSE stream sends each one). */
export const SNAPSHOT_INTERVAL_MS = 1_000;

/** Called with each snapshot; must not throw (a throw is logged). */
export type SnapshotListener = (snapshot: LiveSnapshot, view: LiveView) => void;

export interface LiveViewOptions {
  windowS?: number;
  limits?: Partial<LiveLimits>;
  snapshotIntervalMs?: number;
  pollIntervalMs?: number;
  /** Clock (epoch ms). */
  now?: () => number;
  /** A Kinesis client to read with (default: one for the server's Kinesis). */
  client?: KinesisClient;
}

export interface LiveView {
  readonly windowS: number;
  readonly aggregator: LiveAggregator;
  readonly history: LiveHistory;
  /** The newest snapshot (an empty one before the first tick). */
  latest(): LiveSnapshot;
  /** Computes a snapshot now, records it and tells the listeners (the timer calls this). */
  refresh(): LiveSnapshot;
  /** Running experiments with their live variant counts. */
  experiments(): LiveExperimentCounts[];
  /** Adds a listener; returns its remover. */
  subscribe(listener: SnapshotListener): () => void;
  /** Counters for /metrics. */
  metrics(): { dropped: LiveDropped; tracked: ReturnType<LiveAggregator['sizes']>; reader: LiveReaderStats | null; listeners: number };
  /** Start with the server (reader, snapshot timer), stop with it. */
  readonly service: ServerService;
}

export function createLiveView(options: LiveViewOptions = {}): LiveView {
  const windowS = options.windowS ?? DEFAULT_LIVE_WINDOW_S;
  const now = options.now ?? Date.now;
  const aggregator = new LiveAggregator({ windowS, limits: options.limits });
  const history = new LiveHistory();
  const listeners = new Set<SnapshotListener>();
  let snapshot: LiveSnapshot = { at: now(), window_s: windowS, groups: [], shows: [] };
  let reader: LiveStreamReader | undefined;
  let readerDone: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let client: KinesisClient | undefined;
  let ownClient = false;
  let log: Logger | undefined;

  const view: LiveView = {
    windowS,
    aggregator,
    history,
    latest: () => snapshot,
    refresh: () => {
      tick();
      return snapshot;
    },
    experiments: () => aggregator.experimentCounts(snapshot.at),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    metrics: () => ({ dropped: aggregator.dropped(), tracked: aggregator.sizes(), reader: reader?.stats ?? null, listeners: listeners.size }),
    service: {
      name: 'live view',
      start: (ctx) => {
        log = ctx.log;
        client = options.client ?? createKinesisClient({ endpoint: ctx.kinesis.endpoint });
        ownClient = options.client === undefined;
        reader = new LiveStreamReader({
          client,
          stream: ctx.kinesis.stream,
          startAt: now() - windowS * 1000,
          pollIntervalMs: options.pollIntervalMs,
          log: ctx.log,
          onEvents: (events) => {
            for (const e of events) aggregator.add(e);
          },
          onMalformed: () => aggregator.countMalformed(),
        });
        readerDone = reader.run();
        timer = setInterval(tick, options.snapshotIntervalMs ?? SNAPSHOT_INTERVAL_MS);
        timer.unref();
        tick();
      },
      stop: async () => {
        if (timer) clearInterval(timer);
        reader?.stop();
        await readerDone;
        if (ownClient) client?.destroy();
        listeners.clear();
      },
    },
  };

  function tick(): void {
    snapshot = aggregator.snapshot(now());
    history.record(snapshot);
    for (const l of listeners) {
      try {
        l(snapshot, view);
      } catch (err) {
        log?.error({ err: (err as Error).message }, 'live snapshot listener failed');
      }
    }
  }

  return view;
}
