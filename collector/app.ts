/**
 * The collector as a Hono app built from injected parts (keys, sinks, clock,
 * limits), so tests drive it with `app.request()` and no server. Routes:
 * `POST /v1/events` (docs/spec.md §2), `GET /healthz`, `GET /readyz`,
 * `GET /metrics`.
 *
 * @example
 * const app = createCollectorApp({ writeKeys: parseWriteKeys('k_12345678@acme'), sink, deadLetters });
 * const res = await app.request('/v1/events', { method: 'POST', headers: {...}, body });
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { DeadLetter } from '../contract/enriched.ts';
import { cutAtCodePoint, escapeLoneSurrogates } from '../contract/unicode.ts';
import { Counters } from './counters.ts';
import { DEFAULT_ADDRESS_BURST_REQUESTS, DEFAULT_ADDRESS_REQUESTS_PER_SECOND, DEFAULT_KEY_BURST_EVENTS, DEFAULT_KEY_EVENTS_PER_SECOND, MAX_DEAD_LETTER_RAW_CHARS } from './limits.ts';
import { createLogger, type Logger } from './log.ts';
import { keysByValue, writeKeyAuth } from './middleware/auth/index.ts';
import { cors } from './middleware/cors/index.ts';
import { decodeBatch } from './middleware/decode/index.ts';
import { DEFAULT_REGION_HEADER, enrichBatch } from './middleware/enrich/index.ts';
import { addressRateLimit, keyRateLimit } from './middleware/limits/index.ts';
import { admission, bodyRead, InFlight } from './middleware/admission/index.ts';
import { inFlightPerAddress } from './middleware/limits/in-flight.ts';
import { validateBatch } from './middleware/validate/index.ts';
import { SinkUnavailableError, type ClientAddress, type CollectorEnv, type DeadLetterSink, type EventSink, type RateLimits, type Rejection, type WriteKey } from './types.ts';

export const DEFAULT_RATE_LIMITS: RateLimits = {
  keyEventsPerSecond: DEFAULT_KEY_EVENTS_PER_SECOND,
  keyBurstEvents: DEFAULT_KEY_BURST_EVENTS,
  addressRequestsPerSecond: DEFAULT_ADDRESS_REQUESTS_PER_SECOND,
  addressBurstRequests: DEFAULT_ADDRESS_BURST_REQUESTS,
};

export interface CollectorDeps {
  writeKeys: readonly WriteKey[];
  sink: EventSink;
  deadLetters: DeadLetterSink;
  /** Server clock (epoch ms); injectable for the time-bound tests. */
  now?: () => number;
  /** Trusted header carrying the viewer's country. */
  regionHeader?: string;
  rateLimits?: RateLimits;
  /** The client's address for rate limiting; the platform adapter supplies it. */
  clientAddress?: ClientAddress;
  /** Bound on requests in flight per client address (429 beyond); unset: none (the Node adapter bounds sockets instead). */
  inFlightPerAddress?: number;
  counters?: Counters;
  log?: Logger;
  /** Bounds the batches and bytes in flight (overload shedding: 503 beyond). */
  inFlight?: InFlight;
  /** Cleared on shutdown: new batches then get 503 while the sinks drain. */
  lifecycle?: { accepting: boolean };
  /** More sections of `GET /metrics` (e.g. the live view's counters). */
  metrics?: () => Record<string, unknown>;
}

/**
 * The event as received, for a dead letter: bounded so a huge event cannot
 * bloat the output, cut on a code-point boundary, and with any lone
 * surrogate escaped as text, so the lake can hold it.
 */
function rawText(event: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(event) ?? String(event);
  } catch {
    text = String(event);
  }
  return escapeLoneSurrogates(cutAtCodePoint(text, MAX_DEAD_LETTER_RAW_CHARS));
}

export function createCollectorApp(deps: CollectorDeps): Hono<CollectorEnv> {
  const now = deps.now ?? Date.now;
  const counters = deps.counters ?? new Counters();
  const log = deps.log ?? createLogger();
  const lifecycle = deps.lifecycle ?? { accepting: true };
  const limits = deps.rateLimits ?? DEFAULT_RATE_LIMITS;
  const inFlight = deps.inFlight ?? new InFlight();
  const keys = keysByValue(deps.writeKeys);
  const app = new Hono<CollectorEnv>();

  app.onError((err, c) => {
    log.error({ err: err.message }, 'request failed');
    counters.countResponse(500);
    return c.json({ error: 'internal error; the batch was not accepted, retry later' }, 500);
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', (c) => {
    const status = deps.sink.status();
    const ready = lifecycle.accepting && status.healthy;
    return c.json({ ready, accepting: lifecycle.accepting, ...status }, ready ? 200 : 503);
  });
  app.get('/metrics', (c) => c.json({ ...counters.snapshot(), in_flight: inFlight.snapshot(), sink: deps.sink.status(), ...deps.metrics?.() }));

  app.use('/v1/events', cors(keys), async (c, next) => {
    c.set('receivedAt', now());
    await next();
    counters.countResponse(c.res.status);
  });
  const perAddress: MiddlewareHandler<CollectorEnv> = deps.inFlightPerAddress !== undefined
    ? inFlightPerAddress(deps.inFlightPerAddress, deps.clientAddress ?? (() => undefined))
    : (_c, next) => next();
  app.post(
    '/v1/events',
    perAddress,
    addressRateLimit(limits, deps.clientAddress ?? (() => undefined), now),
    writeKeyAuth(keys),
    async (c, next) => {
      if (!lifecycle.accepting) {
        return c.json({ error: 'collector is shutting down; retry later' }, 503, { 'retry-after': '1' });
      }
      return next();
    },
    admission(inFlight),
    decodeBatch(),
    bodyRead(),
    keyRateLimit(limits, now),
    validateBatch(),
    enrichBatch(deps.regionHeader ?? DEFAULT_REGION_HEADER),
    async (c) => {
      const rejected: Rejection[] = c.get('rejected');
      const enriched = c.get('enriched');
      const retailer = c.get('writeKey').retailer;
      if (rejected.length > 0) {
        counters.rejected += rejected.length;
        const events = c.get('envelope').events;
        const letters: DeadLetter[] = rejected.map((r) => ({
          retailer_id: retailer,
          received_at: c.get('receivedAt'),
          index: r.index,
          error: escapeLoneSurrogates(r.error),
          raw: rawText(events[r.index]),
        }));
        await deps.deadLetters.write(letters).then(
          () => void (counters.dead_lettered += letters.length),
          (err: Error) => {
            counters.dead_letters_lost += letters.length;
            log.error({ err: err.message, retailer, lost: letters.length }, 'dead letters not written');
          },
        );
      }
      if (enriched.length > 0) {
        try {
          await deps.sink.write(enriched);
        } catch (err) {
          if (err instanceof SinkUnavailableError) {
            return c.json({ error: err.message }, 503, { 'retry-after': String(err.retryAfterSeconds) });
          }
          throw err;
        }
        counters.accepted += enriched.length;
      }
      return c.json({ accepted: enriched.length, rejected });
    },
  );
  return app;
}
