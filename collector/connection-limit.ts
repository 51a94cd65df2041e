/**
 * Bounds the connections one client address may hold open at once, so that
 * one address (a slow-loris client, say) cannot take all of MAX_CONNECTIONS
 * from every other viewer. A connection beyond the bound is answered at once
 * with 429 and closed, before any of its bytes is read. Applies to the
 * socket's address; behind a CDN (a trusted client-address header) the
 * socket address is the CDN's, and the per-address bound is on requests in
 * flight instead (collector/middleware/limits/in-flight.ts).
 *
 * @example
 * limitConnectionsPerAddress(server, MAX_CONNECTIONS_PER_ADDRESS, () => counters.connections_refused++);
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Seconds a refused client is told to wait (Retry-After). */
export const CONNECTION_REFUSED_RETRY_AFTER_SECONDS = 1;

/** The raw answer to a connection over the bound (the socket is then closed). */
export function tooManyConnectionsResponse(max: number): string {
  const body = JSON.stringify({ error: `too many open connections from this address (at most ${max}, MAX_CONNECTIONS_PER_ADDRESS); retry later` });
  return (
    'HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n' +
    `retry-after: ${CONNECTION_REFUSED_RETRY_AFTER_SECONDS}\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Installs the bound on `server`; `onRefused` is called for each connection refused. Returns the live count per address (for tests). */
export function limitConnectionsPerAddress(server: Server, max: number, onRefused: () => void = () => undefined): Map<string, number> {
  const open = new Map<string, number>();
  const answer = tooManyConnectionsResponse(max);
  // Prepended, so that a refused socket is closed before the HTTP parser reads from it.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const n = open.get(address) ?? 0;
    if (n >= max) {
      onRefused();
      socket.on('error', () => undefined);
      socket.end(answer);
      socket.destroySoon();
      return;
    }
    open.set(address, n + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return open;
}
