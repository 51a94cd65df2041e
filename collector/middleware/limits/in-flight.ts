/**
 * Requests in flight per client address: a request counts from its headers
 * until its answer, so slow bodies are counted while they trickle. Beyond
 * the bound the request gets 429 (Retry-After) and its connection is
 * closed. Used behind a CDN, where the trusted client-address header, not
 * the socket, names the viewer (collector/connection-limit.ts bounds
 * sockets otherwise).
 *
 * @example
 * app.post('/v1/events', inFlightPerAddress(64, (c) => c.req.header('x-forwarded-for')), handler);
 */
import type { MiddlewareHandler } from 'hono';
import type { ClientAddress, CollectorEnv } from '../../types.ts';

const UNKNOWN_ADDRESS = 'unknown';
/** Seconds a refused client is told to wait. */
export const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

export function inFlightPerAddress(max: number, clientAddress: ClientAddress): MiddlewareHandler<CollectorEnv> {
  const inFlight = new Map<string, number>();
  return async (c, next) => {
    const address = clientAddress(c) ?? UNKNOWN_ADDRESS;
    const n = inFlight.get(address) ?? 0;
    if (n >= max) {
      return c.json(
        { error: `too many requests in progress from this address (at most ${max}, MAX_CONNECTIONS_PER_ADDRESS); retry later` },
        429,
        { 'retry-after': String(IN_FLIGHT_RETRY_AFTER_SECONDS), connection: 'close' },
      );
    }
    inFlight.set(address, n + 1);
    try {
      await next();
    } finally {
      const left = (inFlight.get(address) ?? 1) - 1;
      if (left <= 0) inFlight.delete(address);
      else inFlight.set(address, left);
    }
    return undefined;
  };
}
