/**
 * The collector's event sink: accepted events go to the Kinesis stream,
 * and whatever the stream refuses (or cannot take because it is down or
 * backed up) is fsync'd to the spool before `write` resolves, so a 200 is
 * always durable. A background loop drains the spool when the stream is up
 * (and at start-up); while the stream is down (also when it is unreachable at
 * start) it probes it with backoff, DRAIN_RETRY_MS doubling up to
 * DRAIN_RETRY_CAP_MS; when the stream is down and the spool is full, `write`
 * throws SinkUnavailableError (the request gets 503 + Retry-After).
 *
 * @example
 * const sink = await DurableSink.open({ writer, spoolDir: 'data/spool', counters, log });
 * await sink.write(enrichedEvents);
 */
import { packLines } from '../../../contract/record-format.ts';
import type { EnrichedEvent } from '../../../contract/enriched.ts';
import type { Counters } from '../../counters.ts';
import { DEFAULT_SPOOL_MAX_BYTES, DRAIN_RETRY_CAP_MS, DRAIN_RETRY_MS, MAX_QUEUED_RECORDS, SHUTDOWN_DRAIN_TIMEOUT_MS, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../limits.ts';
import type { Logger } from '../../log.ts';
import { SinkUnavailableError, type EventSink, type SinkStatus } from '../../types.ts';
import type { KinesisWriter } from '../kinesis/index.ts';
import { Spool, SpoolFullError, type UnreadableLines } from '../spool/index.ts';

export interface DurableSinkOptions {
  writer: KinesisWriter;
  spoolDir: string;
  spoolMaxBytes?: number;
  counters: Counters;
  log: Logger;
  drainRetryMs?: number;
  /** Where torn spool lines are kept (the dead letters); without it a segment with one is never drained. */
  unreadable?: UnreadableLines;
}

/** Write errors that mean the spool's disk (or quota) is full: answered 503, not 500. */
export const DISK_FULL_CODES = ['ENOSPC', 'EDQUOT'];

function lineCount(record: Buffer): number {
  let n = 0;
  for (let i = record.indexOf(10); i !== -1; i = record.indexOf(10, i + 1)) n++;
  return n;
}

export class DurableSink implements EventSink {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Failed probes in a row: the next pause is drainRetryMs × 2ⁿ, capped. */
  private failedProbes = 0;
  private drainLoop: Promise<void> | null = null;

  private constructor(
    private readonly writer: KinesisWriter,
    readonly spool: Spool,
    private readonly counters: Counters,
    private readonly log: Logger,
    private readonly drainRetryMs: number,
  ) {}

  /**
   * Opens the spool (sealing what a crash left), probes the stream (an
   * unreachable stream marks the sink down, it does not fail the start) and
   * starts draining.
   */
  static async open(o: DurableSinkOptions): Promise<DurableSink> {
    const spool = await Spool.open(o.spoolDir, o.spoolMaxBytes ?? DEFAULT_SPOOL_MAX_BYTES, o.unreadable);
    const sink = new DurableSink(o.writer, spool, o.counters, o.log, o.drainRetryMs ?? DRAIN_RETRY_MS);
    if (!spool.empty) o.log.info({ events: spool.events, bytes: spool.bytes }, 'spool not empty at start; draining');
    if (!(await o.writer.probe())) {
      o.log.warn({ stream: o.writer.stream }, 'stream not reachable at start; spooling until it answers');
    }
    sink.kick(0);
    return sink;
  }

  async write(events: EnrichedEvent[]): Promise<void> {
    const lines = new Array<string>(events.length);
    for (let i = 0; i < events.length; i++) lines[i] = JSON.stringify(events[i]);
    const records = packLines(lines);
    let toSpool: Buffer[] = records;
    if (this.writer.up && this.writer.queued < MAX_QUEUED_RECORDS) {
      toSpool = (await this.writer.put(records)).failed;
      this.counters.forwarded += events.length - toSpool.reduce((n, r) => n + lineCount(r), 0);
    }
    if (toSpool.length === 0) return;
    try {
      await this.spool.append(toSpool.length === 1 ? toSpool[0]! : Buffer.concat(toSpool));
    } catch (err) {
      if (err instanceof SpoolFullError) {
        throw new SinkUnavailableError(
          `stream ${this.writer.stream} unavailable and spool full (${this.spool.log.maxBytes} bytes); retry later`,
          UNAVAILABLE_RETRY_AFTER_SECONDS,
        );
      }
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== undefined && DISK_FULL_CODES.includes(code)) {
        this.log.error({ code, spoolBytes: this.spool.bytes }, 'spool disk full');
        throw new SinkUnavailableError(
          `stream ${this.writer.stream} unavailable and the spool's disk is full (${code}); retry later`,
          UNAVAILABLE_RETRY_AFTER_SECONDS,
        );
      }
      throw err;
    }
    this.counters.spooled += toSpool.reduce((n, r) => n + lineCount(r), 0);
    this.kick(this.drainRetryMs);
  }

  status(): SinkStatus {
    const spool = { bytes: this.spool.bytes, events: this.spool.events, files: this.spool.log.segmentCount, maxBytes: this.spool.log.maxBytes };
    return { healthy: this.writer.up || this.spool.bytes < spool.maxBytes, streamUp: this.writer.up, spool };
  }

  /** Resolves once the spool is empty (for tests and shutdown). */
  async drained(): Promise<void> {
    while (!this.spool.empty) {
      this.kick(0);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops draining in the background, flushes in-flight writes, drains what the stream takes, closes the spool. */
  async close(timeoutMs = SHUTDOWN_DRAIN_TIMEOUT_MS): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.drainLoop;
    await this.writer.idle();
    const deadline = Date.now() + timeoutMs;
    while (!this.spool.empty && Date.now() < deadline && (this.writer.up || (await this.writer.probe()))) {
      const r = await this.spool.drainTo(this.writer);
      this.counters.forwarded += r.forwarded;
      this.counters.drained += r.forwarded;
      if (!r.complete) break;
    }
    if (!this.spool.empty) this.log.warn({ events: this.spool.events }, 'closing with events left in the spool; they drain at next start');
    await this.spool.close();
  }

  /** Schedules a drain attempt after `ms`, unless one is scheduled or running. */
  private kick(ms: number): void {
    if (this.closed || this.timer || this.drainLoop) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drainLoop = this.drainOnce().finally(() => (this.drainLoop = null));
    }, ms);
  }

  private async drainOnce(): Promise<void> {
    if (this.spool.empty && this.writer.up) return;
    try {
      const up = this.writer.up || (await this.writer.probe());
      this.failedProbes = up ? 0 : this.failedProbes + 1;
      if (up && !this.spool.empty) {
        const r = await this.spool.drainTo(this.writer);
        this.counters.forwarded += r.forwarded;
        this.counters.drained += r.forwarded;
        if (r.deadLettered > 0) this.log.warn({ deadLettered: r.deadLettered }, 'torn spool lines kept as dead letters');
        if (r.forwarded > 0) this.log.info({ forwarded: r.forwarded, left: this.spool.events }, 'drained spool');
      }
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'spool drain failed');
    }
    if (!this.spool.empty || !this.writer.up) {
      // The drain loop is still marked running here, so defer the reschedule.
      const backoffMs = Math.min(this.drainRetryMs * 2 ** Math.min(this.failedProbes - 1, 16), Math.max(this.drainRetryMs, DRAIN_RETRY_CAP_MS));
      setImmediate(() => this.kick(this.failedProbes > 0 ? backoffMs : this.drainRetryMs));
    }
  }
}
