/**
 * Lingering close (as nginx's `lingering_close`): when the server has
 * answered a request whose body it did not read whole (a 413, a 401, a 415),
 * the rest of the body is read and discarded, up to LINGER_MAX_BYTES and
 * LINGER_MAX_MS, before the connection is reused or closed. Closing a socket
 * with unread data in it makes the kernel send a reset, and a client that
 * writes its whole body before reading (most HTTP libraries) then sees a
 * broken pipe instead of the answer.
 *
 * @example
 * server.prependListener('request', lingerAfterResponse());
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Most bytes of a refused body read and discarded after the answer; beyond, the connection is cut. */
export const LINGER_MAX_BYTES = 8 * 1024 * 1024;
/** Longest a refused body may keep arriving after the answer (nginx's lingering_time is 30 s). */
export const LINGER_MAX_MS = 30_000;
/** Longest pause between two pieces of a refused body (nginx's lingering_timeout is 5 s). */
export const LINGER_IDLE_MS = 5_000;

export interface LingerLimits {
  maxBytes: number;
  maxMs: number;
  idleMs: number;
}

export const DEFAULT_LINGER_LIMITS: LingerLimits = { maxBytes: LINGER_MAX_BYTES, maxMs: LINGER_MAX_MS, idleMs: LINGER_IDLE_MS };

/** Reads and discards what is left of `req`'s body, within `limits`; cuts the connection beyond them. */
export function discardRest(req: IncomingMessage, limits: LingerLimits): void {
  if (req.complete || req.destroyed) return;
  let bytes = 0;
  const cut = (): void => {
    stop();
    req.socket.destroy();
  };
  const total = setTimeout(cut, limits.maxMs);
  let idle = setTimeout(cut, limits.idleMs);
  const onData = (chunk: Buffer): void => {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) return cut();
    clearTimeout(idle);
    idle = setTimeout(cut, limits.idleMs);
  };
  function stop(): void {
    clearTimeout(total);
    clearTimeout(idle);
    req.off('data', onData);
  }
  // Whoever was reading the body (a web stream over it) has given up on it.
  req.removeAllListeners('data');
  req.on('data', onData);
  req.once('end', stop);
  req.once('close', stop);
  req.resume();
}

/** A `request` listener that lingers on each request whose answer finished before its body arrived. */
export function lingerAfterResponse(limits: LingerLimits = DEFAULT_LINGER_LIMITS): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    res.once('finish', () => discardRest(req, limits));
  };
}
