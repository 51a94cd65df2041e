/**
 * A steady load shaped like the SDK: several viewers, each sending one
 * batch at a time through the SDK's own transport (text/plain, `?key=`),
 * keeping a batch and resending it with the same event_ids until it is
 * answered 200, waiting as the SDK does (backoff with jitter, never less
 * than Retry-After). Counts what was sent and acknowledged.
 *
 * @example
 * const load = startSdkLoad({ url, writeKey, prefix: 'outage' });
 * ...; const stats = await load.stop();
 */
import { realisticEvents } from '../../collector/testing/fixtures.ts';
import { createTransport, retryDelayMs } from '../../sdk/transport.ts';

/** Viewers sending at once, events per batch, pause between a viewer's batches. */
export const LOAD_VIEWERS = 4;
export const LOAD_BATCH_EVENTS = 10;
export const LOAD_INTERVAL_MS = 100;
/** The tests' retry backoff (the SDK's defaults are 1 s to 60 s; Retry-After still wins). */
export const LOAD_RETRY_BASE_MS = 200;
export const LOAD_RETRY_MAX_MS = 2_000;
/** Longest wait on stop for the batches still being retried to be acknowledged. */
export const LOAD_STOP_TIMEOUT_MS = 45_000;

export interface LoadStats {
  /** Distinct events made and sent (each until acknowledged). */
  sent: number;
  /** Events answered 200 (and not in `rejected`). */
  acked: number;
  /** HTTP attempts, and how they ended. */
  attempts: number;
  statuses: Record<string, number>;
  ackedIds: Set<string>;
  sentIds: Set<string>;
}

export interface SdkLoad {
  stats: LoadStats;
  /** Resolves once `acked` reached `n`. */
  untilAcked(n: number, timeoutMs?: number): Promise<void>;
  /** Stops making batches, waits for the ones in flight to be acknowledged. */
  stop(): Promise<LoadStats>;
}

export interface SdkLoadOptions {
  url: string;
  writeKey: string;
  /** Prefix of the event ids (one per test, so strangers are told apart). */
  prefix: string;
  /** Default LOAD_VIEWERS. */
  viewers?: number;
  /** Default LOAD_INTERVAL_MS. */
  intervalMs?: number;
}

export function startSdkLoad(o: SdkLoadOptions): SdkLoad {
  const transport = createTransport({ endpoint: o.url, writeKey: o.writeKey, fetch: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(10_000) }) });
  const stats: LoadStats = { sent: 0, acked: 0, attempts: 0, statuses: {}, ackedIds: new Set(), sentIds: new Set() };
  let running = true;
  const viewer = async (v: number): Promise<void> => {
    for (let batch = 0; running; batch++) {
      const events = realisticEvents(LOAD_BATCH_EVENTS, Date.now(), `${o.prefix}v${v}b${batch}`);
      for (const e of events) stats.sentIds.add(e.event_id);
      stats.sent += events.length;
      for (let attempt = 0; ; attempt++) {
        stats.attempts++;
        const outcome = await transport._send(JSON.stringify({ sent_at: Date.now(), events }));
        const status = outcome._kind === 'ok' ? '200' : /^HTTP (\d{3})/.exec(outcome._reason)?.[1] ?? 'network';
        stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
        if (outcome._kind === 'ok') {
          events.forEach((e, i) => {
            if (!outcome._rejected.includes(i)) stats.ackedIds.add(e.event_id);
          });
          stats.acked = stats.ackedIds.size;
          break;
        }
        if (outcome._kind === 'drop') throw new Error(`batch refused for good: ${outcome._reason}`);
        await new Promise((r) => setTimeout(r, retryDelayMs(attempt, Math.random, outcome._retryAfterMs, LOAD_RETRY_BASE_MS, LOAD_RETRY_MAX_MS)));
      }
      await new Promise((r) => setTimeout(r, o.intervalMs ?? LOAD_INTERVAL_MS));
    }
  };
  const viewers = Array.from({ length: o.viewers ?? LOAD_VIEWERS }, (_, v) => viewer(v));
  return {
    stats,
    async untilAcked(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (stats.acked < n) {
        if (Date.now() > deadline) throw new Error(`only ${stats.acked} of ${n} events acknowledged within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      running = false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`load did not finish within ${LOAD_STOP_TIMEOUT_MS} ms: ${JSON.stringify({ ...stats, ackedIds: undefined, sentIds: undefined })}`)), LOAD_STOP_TIMEOUT_MS)));
      try {
        await Promise.race([Promise.all(viewers), timeout]);
      } finally {
        clearTimeout(timer);
      }
      return stats;
    },
  };
}
