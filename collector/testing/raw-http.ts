/**
 * A raw HTTP/1.1 client over net.Socket for tests that need what fetch
 * hides: a body written whole (and slowly) before the answer is read, a
 * connection reused after a refusal, a socket that is cut.
 *
 * @example
 * const r = await rawRequest(port, { headers: { 'content-length': '10' }, body: [Buffer.alloc(10)] });
 * r.status; // 413
 */
import { connect, type Socket } from 'node:net';

export interface RawRequest {
  method?: string;
  path?: string;
  headers: Record<string, string>;
  /** Pieces written one after another, `pauseMs` apart, before anything is read. */
  body: Buffer[];
  pauseMs?: number;
  /** Longest wait for the answer after the body was written. */
  answerTimeoutMs?: number;
}

export interface RawAnswer {
  /** 0 when no status line arrived. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The error a write or read met (EPIPE, ECONNRESET), if any. */
  error?: string;
  /** True when the server closed or cut the connection. */
  closed: boolean;
  /** Bytes of the body written before the socket failed. */
  written: number;
}

function parseAnswer(raw: string): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) return { status: 0, headers: {}, body: '' };
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? NaN);
  const rest = raw.slice(end + 4);
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0), headers, body: Number.isFinite(length) ? rest.slice(0, length) : rest };
}

/** Opens a connection whose reads are held back until `answer()` is called. */
export async function openRaw(port: number, host = '127.0.0.1'): Promise<Socket> {
  const socket = connect(port, host);
  socket.pause();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Writes one request on `socket` (body pieces `pauseMs` apart), then reads one answer. */
export async function exchange(socket: Socket, req: RawRequest): Promise<RawAnswer> {
  let error: string | undefined;
  let closed = false;
  socket.on('error', (err) => (error ??= (err as NodeJS.ErrnoException).code ?? err.message));
  socket.once('close', () => (closed = true));
  const head = [`${req.method ?? 'POST'} ${req.path ?? '/v1/events'} HTTP/1.1`, 'host: 127.0.0.1', ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`)];
  socket.write(head.join('\r\n') + '\r\n\r\n');
  let written = 0;
  for (const piece of req.body) {
    if (socket.destroyed || error) break;
    const flushed = socket.write(piece);
    written += piece.length;
    if (!flushed) await new Promise((resolve) => { socket.once('drain', resolve); socket.once('close', resolve); });
    if (req.pauseMs) await new Promise((resolve) => setTimeout(resolve, req.pauseMs));
  }
  let raw = '';
  const onData = (d: Buffer): void => void (raw += d.toString('latin1'));
  socket.on('data', onData);
  socket.resume();
  const deadline = Date.now() + (req.answerTimeoutMs ?? 5_000);
  while (Date.now() < deadline && !closed) {
    const parsed = parseAnswer(raw);
    const length = Number(parsed.headers['content-length'] ?? NaN);
    if (parsed.status !== 0 && Number.isFinite(length) && Buffer.byteLength(parsed.body, 'latin1') >= length) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  socket.off('data', onData);
  socket.pause();
  return { ...parseAnswer(raw), error, closed, written };
}

/** One request on a fresh connection, closed afterwards. */
export async function rawRequest(port: number, req: RawRequest): Promise<RawAnswer> {
  const socket = await openRaw(port);
  try {
    return await exchange(socket, req);
  } finally {
    socket.destroy();
  }
}

/** `total` bytes of `fill` in pieces of `pieceBytes`. */
export function pieces(total: number, pieceBytes: number, fill = 0x20): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < total; at += pieceBytes) out.push(Buffer.alloc(Math.min(pieceBytes, total - at), fill));
  return out;
}

/** The same pieces framed as HTTP chunked transfer encoding, with the closing chunk. */
export function chunked(body: Buffer[]): Buffer[] {
  return [...body.map((b) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')])), Buffer.from('0\r\n\r\n')];
}
