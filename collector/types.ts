/**
 * The seams of the collector: what the Hono app needs injected (keys, sinks,
 * clock, limits) and what its middleware pass to each other through
 * `c.var`. Nothing here knows about Node or Kinesis.
 */
import type { Context } from 'hono';
import type { Envelope } from '../contract/events.ts';
import type { DeadLetter, EnrichedEvent } from '../contract/enriched.ts';
import type { LiveEvent } from '../contract/events.ts';

/** One configured write key. `origins` empty means any browser origin. */
export interface WriteKey {
  key: string;
  retailer: string;
  origins: string[];
}

/** A refused event of a batch, as answered to the client. */
export interface Rejection {
  index: number;
  error: string;
}

/** An event that passed validation, with its index in the batch and corrected time. */
export interface ValidEvent {
  index: number;
  event: LiveEvent;
  eventTime: number;
}

/** Where accepted events go. `write` resolves only once they are durable. */
export interface EventSink {
  write(events: EnrichedEvent[]): Promise<void>;
  /** Health for /readyz and the counters of /metrics. */
  status(): SinkStatus;
  /** Stops accepting, drains what it can, releases resources. */
  close(): Promise<void>;
}

export interface SinkStatus {
  /** The stream accepts writes (or there is room in the spool). */
  healthy: boolean;
  streamUp: boolean;
  spool: { bytes: number; events: number; files: number; maxBytes: number };
}

/** Where rejected events go (best effort: a failure is logged, never fails the request). */
export interface DeadLetterSink {
  write(letters: DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a sink when the stream is down and the spool is full: the request gets 503. */
export class SinkUnavailableError extends Error {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
    this.name = 'SinkUnavailableError';
  }
}

/** Token-bucket settings; a rate of 0 turns the limiter off. */
export interface RateLimits {
  keyEventsPerSecond: number;
  keyBurstEvents: number;
  addressRequestsPerSecond: number;
  addressBurstRequests: number;
}

/** Variables the middleware set on the context, in order. Read them with `c.get()`: `c.var` copies them all on every access. */
export interface CollectorVariables {
  /** Server clock when the request arrived (epoch ms). */
  receivedAt: number;
  /** performance.now() when the body had been read and parsed (for the admission gate's service time). */
  bodyReadAt?: number;
  writeKey: WriteKey;
  envelope: Envelope;
  valid: ValidEvent[];
  rejected: Rejection[];
  enriched: EnrichedEvent[];
}

export type CollectorEnv = { Variables: CollectorVariables };
export type CollectorContext = Context<CollectorEnv>;

/** Returns the client address used for rate limiting (never stored). */
export type ClientAddress = (c: Context) => string | undefined;
