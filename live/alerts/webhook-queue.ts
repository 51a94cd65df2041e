/**
 * Delivers alert notifications to the webhook (docs/spec.md §9), off the
 * collector's path: a bounded queue (the oldest dropped and counted past
 * MAX_WAITING), one delivery at a time in order, a 2xx answer counts as
 * delivered, each attempt times out after ATTEMPT_TIMEOUT_MS, up to
 * MAX_ATTEMPTS attempts backing off from BACKOFF_BASE_MS, doubling; then a
 * log line and the notification is given up.
 *
 * @example
 * const q = new WebhookQueue({ url: 'https://hooks.example/livelens', log });
 * q.enqueue({ status: 'firing', ... }); q.stats // { delivered, failed, dropped, waiting, ... }
 */
import type { Logger } from '../../collector/log.ts';

/** Notifications waiting at most; past it the oldest is dropped. */
export const MAX_WAITING = 1_000;
/** Attempts per notification. */
export const MAX_ATTEMPTS = 6;
/** One attempt's timeout. */
export const ATTEMPT_TIMEOUT_MS = 5_000;
/** Wait before the second attempt; doubled before each next one (1, 2, 4, 8, 16 s). */
export const BACKOFF_BASE_MS = 1_000;

export interface WebhookQueueOptions {
  url: string;
  log?: Logger;
  /** Tests shorten the backoff and timeout. */
  backoffBaseMs?: number;
  attemptTimeoutMs?: number;
  maxWaiting?: number;
  fetch?: typeof fetch;
}

export interface WebhookStats {
  enqueued: number;
  delivered: number;
  /** Given up after MAX_ATTEMPTS. */
  failed: number;
  /** Dropped, oldest first, because MAX_WAITING were waiting. */
  dropped: number;
  /** Attempts that were retried. */
  retries: number;
  waiting: number;
}

export class WebhookQueue {
  readonly stats: WebhookStats = { enqueued: 0, delivered: 0, failed: 0, dropped: 0, retries: 0, waiting: 0 };
  private readonly queue: unknown[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: WebhookQueueOptions) {}

  /** Queues one notification; never waits. */
  enqueue(payload: unknown): void {
    if (this.closed) return;
    this.queue.push(payload);
    this.stats.enqueued++;
    const max = this.opts.maxWaiting ?? MAX_WAITING;
    while (this.queue.length > max) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.stats.waiting = this.queue.length;
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves once nothing is waiting or in flight (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops: what waits is dropped, a backoff in progress is cut short. */
  async close(): Promise<void> {
    this.closed = true;
    this.stats.dropped += this.queue.length;
    this.queue.length = 0;
    this.stats.waiting = 0;
    this.wake?.();
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const payload = this.queue.shift();
      this.stats.waiting = this.queue.length;
      await this.deliver(payload);
    }
  }

  private async deliver(payload: unknown): Promise<void> {
    const doFetch = this.opts.fetch ?? fetch;
    const base = this.opts.backoffBaseMs ?? BACKOFF_BASE_MS;
    const body = JSON.stringify(payload);
    let last = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        const res = await doFetch(this.opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'livelens-alerts' },
          body,
          signal: AbortSignal.timeout(this.opts.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) {
          this.stats.delivered++;
          return;
        }
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = (err as Error).name === 'TimeoutError' ? `no answer within ${this.opts.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS} ms` : (err as Error).message;
      }
      if (attempt === MAX_ATTEMPTS || this.closed) break;
      this.stats.retries++;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, base * 2 ** (attempt - 1));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    this.stats.failed++;
    this.opts.log?.error({ url: redact(this.opts.url), attempts: MAX_ATTEMPTS, last }, `alert webhook gave up after ${MAX_ATTEMPTS} attempts (${last})`);
  }
}

/** The webhook URL without query or credentials (they may hold a secret). */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
