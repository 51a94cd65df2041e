/**
 * Load shedding for `POST /v1/events`. A batch is admitted only while fewer
 * than the current concurrency limit are between admission and the sink's
 * answer, and while their bodies total at most `maxBytes`; beyond, it is
 * answered 503 with `Retry-After` before its body is read (the lingering
 * close then discards it), so overload costs a cheap refusal instead of a
 * queue that makes every answer late.
 *
 * The concurrency limit adapts (AIMD, as TCP's congestion window): when a
 * batch's service time (body read to answer) exceeds `targetLatencyMs` the
 * limit is cut by DECREASE_FACTOR (at most once per target period); when
 * batches finish within it while the limit is reached, it grows by one per
 * limit's worth of batches (by one per batch until the first cut: slow
 * start), up to `maxRequests`, never below MIN_REQUESTS_IN_FLIGHT (`minRequests`); it
 * starts at INITIAL_REQUESTS_IN_FLIGHT. A body's bytes are its Content-Length, or
 * MAX_BODY_BYTES when it is chunked or gzip (what it may inflate to).
 *
 * @example
 * const gate = new InFlight();
 * app.post('/v1/events', admission(gate), decodeBatch(), bodyRead(), ...);
 */
import type { MiddlewareHandler } from 'hono';
import { MAX_BODY_BYTES } from '../../../contract/limits.ts';
import { INITIAL_REQUESTS_IN_FLIGHT, MAX_BYTES_IN_FLIGHT, MAX_REQUESTS_IN_FLIGHT, MIN_REQUESTS_IN_FLIGHT, OVERLOAD_RETRY_AFTER_SECONDS, TARGET_SERVICE_MS } from '../../limits.ts';
import type { CollectorEnv } from '../../types.ts';

/** Multiplier applied to the concurrency limit when a batch is served slower than the target. */
export const DECREASE_FACTOR = 0.75;

export interface AdmissionLimits {
  /** Ceiling of the adaptive limit: batches being decoded, validated or written to the sink at once. */
  maxRequests: number;
  /** Sum of their body sizes (bytes). */
  maxBytes: number;
  /** Service time (body read to answer) above which the limit shrinks (ms). */
  targetLatencyMs: number;
  /** Where the limit starts (default INITIAL_REQUESTS_IN_FLIGHT). */
  initialRequests?: number;
  /** The limit's floor (default MIN_REQUESTS_IN_FLIGHT). */
  minRequests?: number;
}

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = { maxRequests: MAX_REQUESTS_IN_FLIGHT, maxBytes: MAX_BYTES_IN_FLIGHT, targetLatencyMs: TARGET_SERVICE_MS };

/** The work in flight of one collector, its adaptive limit, and how many requests it shed. */
export class InFlight {
  requests = 0;
  bytes = 0;
  /** Requests answered 503 because the collector was full. */
  shed = 0;
  /** Current concurrency limit (fractional: it grows by 1/limit per fast batch). */
  limit: number;
  private lastDecrease = -Infinity;
  /** Until the first cut the limit grows by one per fast batch (slow start, as TCP), then by 1/limit. */
  private slowStart = true;
  readonly limits: AdmissionLimits;

  constructor(limits: Partial<AdmissionLimits> = {}, private readonly clock: () => number = () => performance.now()) {
    const given = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) as Partial<AdmissionLimits>;
    this.limits = { ...DEFAULT_ADMISSION_LIMITS, ...given };
    this.limit = Math.min(this.limits.initialRequests ?? INITIAL_REQUESTS_IN_FLIGHT, this.limits.maxRequests);
  }

  private get floor(): number {
    return Math.min(this.limits.minRequests ?? MIN_REQUESTS_IN_FLIGHT, this.limits.maxRequests);
  }

  /** True when a body of `bytes` would be refused now (nothing is reserved or counted). */
  full(bytes: number): boolean {
    return this.requests >= Math.floor(this.limit) || (this.requests > 0 && this.bytes + bytes > this.limits.maxBytes);
  }

  /** Reserves room for a body of `bytes`; false (and counted as shed) when there is none. */
  tryEnter(bytes: number): boolean {
    if (this.full(bytes)) {
      this.shed++;
      return false;
    }
    this.requests++;
    this.bytes += bytes;
    return true;
  }

  /** Releases a batch's room; `serviceMs` (when it was served) adapts the limit. */
  leave(bytes: number, serviceMs?: number): void {
    const wasFull = this.requests >= Math.floor(this.limit);
    this.requests--;
    this.bytes -= bytes;
    if (serviceMs === undefined) return;
    const now = this.clock();
    if (serviceMs > this.limits.targetLatencyMs) {
      if (now - this.lastDecrease >= this.limits.targetLatencyMs) {
        this.limit = Math.max(this.floor, this.limit * DECREASE_FACTOR);
        this.lastDecrease = now;
        this.slowStart = false;
      }
    } else if (wasFull) {
      this.limit = Math.min(this.limits.maxRequests, this.limit + (this.slowStart ? 1 : 1 / this.limit));
    }
  }

  snapshot(): { requests: number; bytes: number; shed: number; limit: number; max_requests: number; max_bytes: number; target_latency_ms: number } {
    const { maxRequests, maxBytes, targetLatencyMs } = this.limits;
    return { requests: this.requests, bytes: this.bytes, shed: this.shed, limit: Math.floor(this.limit), max_requests: maxRequests, max_bytes: maxBytes, target_latency_ms: targetLatencyMs };
  }
}

/** The bytes a request's body may occupy once decoded. */
export function reservedBytes(contentLength: string | undefined, contentEncoding: string | undefined): number {
  const declared = Number(contentLength ?? NaN);
  const gzip = (contentEncoding ?? '').trim().toLowerCase() === 'gzip';
  if (gzip || !Number.isFinite(declared) || declared < 0) return MAX_BODY_BYTES;
  return Math.min(declared, MAX_BODY_BYTES);
}

/** The 503's message: what is in flight and the bounds it met. */
export function overloadMessage(gate: InFlight): string {
  const { maxBytes, maxRequests } = gate.limits;
  return `collector overloaded: ${gate.requests} batches (${gate.bytes} bytes) in flight, at most ${Math.floor(gate.limit)} now (adaptive, MAX_REQUESTS_IN_FLIGHT ${maxRequests}) and ${maxBytes} bytes (MAX_BYTES_IN_FLIGHT); retry after ${OVERLOAD_RETRY_AFTER_SECONDS} s`;
}

/** Admits the batch or answers 503 + Retry-After; releases its room when the answer is made. */
export function admission(gate: InFlight, clock: () => number = () => performance.now()): MiddlewareHandler<CollectorEnv> {
  return async (c, next) => {
    const bytes = reservedBytes(c.req.header('content-length'), c.req.header('content-encoding'));
    if (!gate.tryEnter(bytes)) {
      return c.json({ error: overloadMessage(gate) }, 503, { 'retry-after': String(OVERLOAD_RETRY_AFTER_SECONDS) });
    }
    try {
      await next();
    } finally {
      const readAt = c.get('bodyReadAt');
      gate.leave(bytes, readAt === undefined ? undefined : clock() - readAt);
    }
    return undefined;
  };
}

/** Marks the end of the body read, so that a slow upload does not count as slow service. */
export function bodyRead(clock: () => number = () => performance.now()): MiddlewareHandler<CollectorEnv> {
  return async (c, next) => {
    c.set('bodyReadAt', clock());
    await next();
  };
}
