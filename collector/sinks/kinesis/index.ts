/**
 * Writes packed records to one Kinesis stream with PutRecords: records wait
 * at most `lingerMs` to fill a call (up to MAX_PUT_RECORDS_PER_CALL records /
 * MAX_PUT_BYTES_PER_CALL bytes), at most `maxInFlight` calls run at once,
 * and only the records a call failed are retried, with exponential backoff
 * and full jitter, up to `maxAttempts`. `put` never rejects: it reports the
 * records that could not be written so the caller can spool them.
 *
 * @example
 * const w = new KinesisWriter({ client, stream: 'livelens-events' });
 * const { failed } = await w.put(packEvents(events));
 */
import { randomUUID } from 'node:crypto';
import { DescribeStreamSummaryCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  DEFAULT_LINGER_MS,
  MAX_PUT_ATTEMPTS,
  MAX_PUT_BYTES_PER_CALL,
  MAX_PUT_RECORDS_PER_CALL,
  MAX_PUTS_IN_FLIGHT,
  PUT_BACKOFF_BASE_MS,
  PUT_BACKOFF_CAP_MS,
} from '../../limits.ts';

export interface KinesisWriterOptions {
  client: KinesisClient;
  stream: string;
  lingerMs?: number;
  maxInFlight?: number;
  maxAttempts?: number;
  /** Called with the error of a failed call (for logging). */
  onCallError?: (err: Error) => void;
}

export interface PutOutcome {
  /** Records not written after all attempts, in input order. */
  failed: Buffer[];
}

interface Entry {
  data: Buffer;
  partitionKey: string;
  attempts: number;
  done: (ok: boolean) => void;
}

/** Errors after which the whole call is retried (throttling, 5xx, network). */
function retryable(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string };
  if (e.name === 'ProvisionedThroughputExceededException' || e.name === 'LimitExceededException' || e.name === 'KMSThrottlingException') return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return true; // no HTTP status: a network error (refused, reset, timeout)
}

/** Delay before attempt `n` (1-based retries): full jitter over an exponential cap. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(PUT_BACKOFF_CAP_MS, PUT_BACKOFF_BASE_MS * 2 ** attempt));
}

export class KinesisWriter {
  private queue: Entry[] = [];
  private queuedBytes = 0;
  private inFlight = 0;
  private retrying = 0;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  /** False after a call failed outright; true again after any call succeeds. */
  up = true;
  private readonly lingerMs: number;
  private readonly maxInFlight: number;
  private readonly maxAttempts: number;

  constructor(private readonly opts: KinesisWriterOptions) {
    this.lingerMs = opts.lingerMs ?? DEFAULT_LINGER_MS;
    this.maxInFlight = opts.maxInFlight ?? MAX_PUTS_IN_FLIGHT;
    this.maxAttempts = opts.maxAttempts ?? MAX_PUT_ATTEMPTS;
  }

  get stream(): string {
    return this.opts.stream;
  }

  /** Records waiting for a call or a retry. */
  get queued(): number {
    return this.queue.length + this.retrying;
  }

  /** Writes records; resolves when each is written or has used all its attempts. */
  put(records: readonly Buffer[]): Promise<PutOutcome> {
    if (records.length === 0) return Promise.resolve({ failed: [] });
    return new Promise((resolve) => {
      const ok = new Array<boolean>(records.length);
      let left = records.length;
      records.forEach((data, i) => {
        this.enqueue({
          data,
          // Random keys spread records evenly over the shards.
          partitionKey: randomUUID(),
          attempts: 0,
          done: (written) => {
            ok[i] = written;
            if (--left === 0) resolve({ failed: records.filter((_, j) => !ok[j]) });
          },
        });
      });
      this.schedule();
    });
  }

  /** Asks the stream whether it exists and answers; updates `up`. */
  async probe(): Promise<boolean> {
    try {
      await this.opts.client.send(new DescribeStreamSummaryCommand({ StreamName: this.opts.stream }));
      this.up = true;
    } catch (err) {
      // A role allowed PutRecords but not DescribeStreamSummary still reaches a live stream.
      this.up = (err as { name?: string }).name === 'AccessDeniedException';
    }
    return this.up;
  }

  /** Resolves once nothing is queued, retrying or in flight. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0 && this.retrying === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(e: Entry, front = false): void {
    if (front) this.queue.unshift(e);
    else this.queue.push(e);
    this.queuedBytes += e.data.length + e.partitionKey.length;
  }

  private schedule(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const full = this.queue.length >= MAX_PUT_RECORDS_PER_CALL || this.queuedBytes >= MAX_PUT_BYTES_PER_CALL;
      if (!full && this.lingerMs > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = null;
          this.flushNow();
        }, this.lingerMs);
        return;
      }
      this.send(this.takeCall());
    }
  }

  private flushNow(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) this.send(this.takeCall());
  }

  private takeCall(): Entry[] {
    const call: Entry[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && call.length < MAX_PUT_RECORDS_PER_CALL) {
      const e = this.queue[0]!;
      const size = e.data.length + e.partitionKey.length;
      if (call.length > 0 && bytes + size > MAX_PUT_BYTES_PER_CALL) break;
      this.queue.shift();
      this.queuedBytes -= size;
      bytes += size;
      call.push(e);
    }
    return call;
  }

  private send(call: Entry[]): void {
    this.inFlight++;
    this.opts.client
      .send(new PutRecordsCommand({ StreamName: this.opts.stream, Records: call.map((e) => ({ Data: e.data, PartitionKey: e.partitionKey })) }))
      .then(
        (res) => {
          this.up = true;
          const results = res.Records ?? [];
          call.forEach((e, i) => {
            if (results[i]?.ErrorCode) this.retry(e);
            else e.done(true);
          });
        },
        (err: Error) => {
          this.opts.onCallError?.(err);
          if (retryable(err)) {
            this.up = false;
            for (const e of call) this.retry(e);
          } else {
            // e.g. the stream does not exist: retrying the same call cannot help.
            this.up = false;
            for (const e of call) e.done(false);
          }
        },
      )
      .finally(() => {
        this.inFlight--;
        if (this.timer === null) this.flushNow();
        this.checkIdle();
      });
  }

  private retry(e: Entry): void {
    e.attempts++;
    if (e.attempts >= this.maxAttempts) {
      e.done(false);
      return;
    }
    this.retrying++;
    setTimeout(() => {
      this.retrying--;
      this.enqueue(e, true);
      this.schedule();
    }, backoffMs(e.attempts));
  }

  private checkIdle(): void {
    if (this.queue.length === 0 && this.inFlight === 0 && this.retrying === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
