/**
 * Overload refusal before Hono (Node adapter only): a `POST /v1/events`
 * that the admission gate would refuse is answered 503 + Retry-After at the
 * Node request level, with the same body, headers and CORS headers as the
 * admission middleware's answer, and counted the same (gate's `shed`,
 * responses by status). Why: at three times capacity two of three requests
 * are refused, and through Hono's adapter and middleware a refusal cost
 * ~0.24 ms of CPU (measured: 0.08 ms for a bare Node 503), CPU taken from
 * the accepted batches' sink calls on the same event loop; the first surge
 * after a start, with that path not yet optimised by the JIT, paid more.
 *
 * Only a request whose key is known (and whose browser origin that key
 * allows) is refused here; any other goes on to Hono, which answers it
 * 401/403 as before. So the one difference is that such a request is not
 * counted by the per-address rate limit while the collector is full: it gets
 * this 503 (retry after 1 s) where it might have got a 429.
 *
 * @example
 * const refuse = refuseWhenFull({ gate, keys, counters, lifecycle });
 * createServer((req, res) => refuse(req, res) || honoListener(req, res));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counters } from './counters.ts';
import { OVERLOAD_RETRY_AFTER_SECONDS } from './limits.ts';
import { overloadMessage, reservedBytes, type InFlight } from './middleware/admission/index.ts';
import type { WriteKeyIndex } from './middleware/auth/index.ts';
import { originAllowed, WRITE_KEY_HEADER, WRITE_KEY_QUERY, writeKeyOf } from './middleware/cors/index.ts';

/** The route whose overload refusals are answered here. */
export const EVENTS_PATH = '/v1/events';

export interface EarlyRefusalDeps {
  gate: InFlight;
  keys: WriteKeyIndex;
  counters: Counters;
  /** While not accepting (shutting down), Hono answers with its own 503. */
  lifecycle: { accepting: boolean };
}

const single = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h);

/** A request listener's first step: answers and returns true when the batch would be shed, else returns false. */
export function refuseWhenFull({ gate, keys, counters, lifecycle }: EarlyRefusalDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || !lifecycle.accepting) return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== EVENTS_PATH) return false;
    if (!gate.full(reservedBytes(single(req.headers['content-length']), single(req.headers['content-encoding'])))) return false;
    const given = writeKeyOf(single(req.headers[WRITE_KEY_HEADER]), new URLSearchParams(q === -1 ? '' : url.slice(q + 1)).get(WRITE_KEY_QUERY));
    const key = given === undefined ? undefined : keys.get(given);
    const origin = single(req.headers.origin);
    if (key === undefined || (origin !== undefined && !originAllowed(key, origin))) return false;
    gate.shed++;
    const body = JSON.stringify({ error: overloadMessage(gate) });
    res.writeHead(503, {
      'content-type': 'application/json',
      'retry-after': String(OVERLOAD_RETRY_AFTER_SECONDS),
      'content-length': Buffer.byteLength(body),
      ...(origin !== undefined ? { vary: 'Origin', 'access-control-allow-origin': origin } : {}),
    });
    res.end(body);
    counters.countResponse(503);
    return true;
  };
}
